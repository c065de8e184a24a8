import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TimeFormat } from '../../../../src/gen/hcs/v1/analytics.ts';
import { isAppError } from '../../../../src/platform/errors/index.ts';
import type { Series } from '../../../../src/services/analytics/index.ts';
import { readUpload, type UploadOptions } from '../../../../src/services/analytics/upload-reader.ts';

const NOW = Date.UTC(2026, 5, 1);

// Stand-in rows: the reader only uses them as map keys.
function options(format: 'csv' | 'ndjson', extra: Partial<UploadOptions> = {}): UploadOptions {
  const known = new Map<string, Series>();
  return {
    format,
    timeColumn: 'time',
    timeFormat: TimeFormat.TIME_FORMAT_UNSPECIFIED,
    now: NOW,
    async resolveSeries(header) {
      let series = known.get(header);
      if (series === undefined) {
        series = { seriesId: header } as Series;
        known.set(header, series);
      }
      return series;
    },
    ...extra,
  };
}

async function* pieces(bytes: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of cuts) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
  yield bytes.subarray(from);
}

async function read(bytes: Buffer, cuts: number[], opts: UploadOptions) {
  const content = await readUpload(pieces(bytes, cuts), opts);
  return {
    rows: content.rowCount,
    series: [...content.samples].map(([series, columns]) => ({
      id: series.seriesId,
      times: [...columns.times],
      values: [...columns.values],
    })),
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

// CRLF line breaks, a quoted header holding the delimiter and multi-byte characters, an empty
// cell, every time form, and no final line break.
const CSV = Buffer.from(
  'time,"débit, l/min",température°\r\n' +
    '2026-01-01T00:00:00Z,1.5,20\r\n' +
    '1767225601000,,21\r\n' +
    '2026-01-01T00:00:02.123456+00:00,-3e2,"22"\r\n' +
    '\r\n' +
    '2026-01-01T00:00:03Z,4,23',
  'utf8',
);
const T = Date.UTC(2026, 0, 1);
const CSV_EXPECTED = {
  rows: 4,
  series: [
    { id: 'débit, l/min', times: [T, T + 2123, T + 3000], values: [1.5, -300, 4] },
    { id: 'température°', times: [T, T + 1000, T + 2123, T + 3000], values: [20, 21, 22, 23] },
  ],
};

test('CSV reads the same wherever the chunks split it: inside a UTF-8 character, a quoted field or a CRLF', async () => {
  assert.equal(await read(CSV, [], options('csv')), CSV_EXPECTED);
  for (let cut = 1; cut < CSV.length; cut++) {
    assert.equal(await read(CSV, [cut], options('csv')), CSV_EXPECTED, `cut at byte ${cut}`);
  }
  const everyByte = Array.from({ length: CSV.length - 1 }, (_, i) => i + 1);
  assert.equal(await read(CSV, everyByte, options('csv')), CSV_EXPECTED);
});

const NDJSON = Buffer.from(
  '{"time":"2026-01-01T00:00:00Z","series/a":1,"series/é":null}\r\n' +
    '\n' +
    '{"time":1767225601000,"series/a":2.25,"series/é":-1}\n' +
    '{"time":"2026-01-01T00:00:02Z","series/é":3}',
  'utf8',
);

test('NDJSON reads the same wherever the chunks split it', async () => {
  const expected = {
    rows: 3,
    series: [
      { id: 'series/a', times: [T, T + 1000], values: [1, 2.25] },
      { id: 'series/é', times: [T + 1000, T + 2000], values: [-1, 3] },
    ],
  };
  for (let cut = 0; cut <= NDJSON.length; cut++) {
    assert.equal(
      await read(NDJSON, cut === 0 ? [] : [cut], options('ndjson')),
      expected,
      `cut at byte ${cut}`,
    );
  }
});

test('epoch micro- and nanoseconds are truncated to milliseconds', async () => {
  const doc = Buffer.from('time,a\n1767225600123456,1\n', 'utf8');
  const micros = await read(doc, [], options('csv', { timeFormat: TimeFormat.TIME_FORMAT_EPOCH_MICROS }));
  assert.equal(micros.series[0]?.times, [T + 123]);
  const nanosDoc = Buffer.from('time,a\n1767225600123456789,1\n', 'utf8');
  const nanos = await read(nanosDoc, [], options('csv', { timeFormat: TimeFormat.TIME_FORMAT_EPOCH_NANOS }));
  assert.equal(nanos.series[0]?.times, [T + 123]);
});

const BAD: [string, 'csv' | 'ndjson', string, RegExp][] = [
  [
    'a value that is not a number',
    'csv',
    'time,a\n2026-01-01T00:00:00Z,1\n2026-01-01T00:00:01Z,n/a\n',
    /^line 3: column "a": cannot parse "n\/a"/,
  ],
  ['a row with too many fields', 'csv', 'time,a\n1767225600000,1,2\n', /^line 2: has 3 fields/],
  ['a bad instant', 'csv', 'time,a\nyesterday,1\n', /^line 2: time: cannot parse "yesterday"/],
  ['an instant far in the future', 'csv', 'time,a\n9999999999999,1\n', /^line 2: time: .* 5 minutes ahead/],
  ['an unclosed quote', 'csv', 'time,a\n1767225600000,"1\n', /^line 3: a quoted field is not closed/],
  ['text after a closing quote', 'csv', 'time,a\n1767225600000,"1"x\n', /^line 2: a closing quote/],
  ['a missing time column', 'csv', 'when,a\n1,2\n', /^line 1: the header has no time column/],
  ['NUL in a value', 'csv', 'time,a\n1767225600000,1\0\n', /^line 2: column "a"/],
  ['an infinite value', 'csv', 'time,a\n1767225600000,1e999\n', /^line 2: column "a"/],
  ['broken JSON', 'ndjson', '{"time":1767225600000,"a":1}\n{oops\n', /^line 2: is not valid JSON/],
  ['a string value', 'ndjson', '{"time":1767225600000,"a":"1"}\n', /^line 1: "a" must be a number or null/],
  ['an array line', 'ndjson', '[1]\n', /^line 1: is not a JSON object/],
];

for (const [name, format, doc, message] of BAD) {
  test(`${format}: ${name} is INVALID_ARGUMENT naming the line`, async () => {
    const error = await failure(read(Buffer.from(doc, 'utf8'), [], options(format)));
    assert.ok(isAppError(error) && error.code === 3, String(error));
    assert.match(error.message, message);
  });
}

test('invalid UTF-8 is refused with its line, even split across chunks', async () => {
  const doc = Buffer.concat([
    Buffer.from('time,a\n1767225600000,1\n1767225600001,'),
    Buffer.from([0xc3]),
    Buffer.from('\n'),
  ]);
  const error = await failure(read(doc, [doc.length - 1], options('csv')));
  assert.match(error.message, /^line 3: is not valid UTF-8/);
});

test.run();
