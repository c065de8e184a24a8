import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { fetchAnswer, type HttpAnswer } from '../../helpers/http.ts';
import { eventually } from './analytics-client.ts';

// Small, so an oversized upload is cheap to send; every other document here fits.
const RAW_LIMIT = 256 * 1024;
// Recent, whole hours: old samples would be pruned by the 30-day default retention.
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 86_400_000;

let app: TestApp;
let auth: Record<string, string>;

test.before(async () => {
  app = await startTestApp({ env: { HCS_HTTP_RAW_BODY_LIMIT_BYTES: String(RAW_LIMIT) } });
  auth = { authorization: `Bearer ${await app.adminToken()}` };
  for (const id of [
    'rest-a',
    'rest-b',
    'rest-ms',
    'rest-us',
    'rest-ns',
    'rest-nd',
    'rest-bad',
    'rest-big',
    'rest-cut',
  ]) {
    const created = await fetchAnswer(`${app.httpBase}/api/v1/series`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ seriesId: id, series: { metric: 'rest_upload', labels: { id } } }),
    });
    assert.is(created.status, 200, created.text);
  }
});

test.after(async () => {
  await app?.close();
});

function upload(
  body: string | Buffer | ReadableStream<Uint8Array>,
  contentType: string,
  query = '',
): Promise<HttpAnswer> {
  return fetchAnswer(`${app.httpBase}/api/v1/series:upload${query}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': contentType },
    body,
    duplex: 'half',
  } as RequestInit);
}

async function columnsOf(id: string): Promise<{ times: number[]; values: number[] }> {
  const read = await fetchAnswer(
    `${app.httpBase}/api/v1/series/${id}:querySamples?form=SAMPLE_FORM_COLUMNS&pageSize=10000`,
    { headers: auth },
  );
  assert.is(read.status, 200, read.text);
  const columns = (read.json.columns ?? {}) as { times?: (string | number)[]; values?: number[] };
  return { times: (columns.times ?? []).map(Number), values: columns.values ?? [] };
}

async function sampleCount(id: string): Promise<number> {
  const got = await fetchAnswer(`${app.httpBase}/api/v1/series/${id}`, { headers: auth });
  assert.is(got.status, 200, got.text);
  return Number(got.json.sampleCount ?? 0);
}

const INSTANTS = Array.from({ length: 50 }, (_, i) => T0 + i * 1500);

test('POST a CSV with RFC 3339 times stores one series per value column', async () => {
  const rows = ['time,series/rest-a,rest-b'];
  for (const [i, t] of INSTANTS.entries())
    rows.push(`${new Date(t).toISOString()},${i * 0.5},${i % 2 ? '' : -i}`);
  const answer = await upload(`${rows.join('\r\n')}\r\n`, 'text/csv');
  assert.is(answer.status, 200, answer.text);
  assert.equal(answer.json, {
    rowCount: '50',
    acceptedCount: '75',
    series: ['series/rest-a', 'series/rest-b'],
  });
  assert.equal(await columnsOf('rest-a'), { times: INSTANTS, values: INSTANTS.map((_, i) => i * 0.5) });
  const b = await columnsOf('rest-b');
  assert.equal(
    b.times,
    INSTANTS.filter((_, i) => i % 2 === 0),
  );
  assert.equal(
    b.values,
    b.times.map((_, j) => -2 * j),
  );
});

const EPOCHS: [string, string, (ms: number) => string][] = [
  ['rest-ms', 'TIME_FORMAT_EPOCH_MILLIS', (ms) => String(ms)],
  ['rest-us', 'TIME_FORMAT_EPOCH_MICROS', (ms) => `${ms}123`],
  ['rest-ns', 'TIME_FORMAT_EPOCH_NANOS', (ms) => `${ms}456789`],
];

for (const [id, format, cell] of EPOCHS) {
  test(`POST a CSV with ${format} times (set by the query) stores the same instants`, async () => {
    const rows = [`ts,${id}`, ...INSTANTS.map((t, i) => `${cell(t)},${i}`)];
    const answer = await upload(rows.join('\n'), 'text/csv', `?timeColumn=ts&timeFormat=${format}`);
    assert.is(answer.status, 200, answer.text);
    assert.is(answer.json.acceptedCount, String(INSTANTS.length));
    assert.equal((await columnsOf(id)).times, INSTANTS);
  });
}

test('POST NDJSON is read by its Content-Type; null and blank lines add nothing', async () => {
  const lines = INSTANTS.map((t, i) =>
    JSON.stringify({ time: new Date(t).toISOString(), 'rest-nd': i === 3 ? null : i }),
  );
  lines.splice(10, 0, '');
  const answer = await upload(`${lines.join('\n')}\n`, 'application/x-ndjson');
  assert.is(answer.status, 200, answer.text);
  assert.equal(answer.json, { rowCount: '50', acceptedCount: '49', series: ['series/rest-nd'] });
  assert.is(await sampleCount('rest-nd'), 49);
});

const MALFORMED: [string, string, string, number][] = [
  ['a CSV value that is not a number', 'text/csv', 'time,rest-bad\n1767268800000,1\n1767268801000,x1\n', 3],
  [
    'a CSV row with a missing field',
    'text/csv',
    'time,rest-bad,rest-a\n1767268800000,1,2\n1767268801000,1\n',
    3,
  ],
  ['a CSV time that is not RFC 3339', 'text/csv', 'time,rest-bad\n2026-01-01T12:00:00Z,1\n2026-13-01,2\n', 3],
  [
    'an NDJSON line that is not JSON',
    'application/x-ndjson',
    '{"time":1767268800000,"rest-bad":1}\n\n{"time":1767268801000,\n',
    3,
  ],
  ['an NDJSON value that is a string', 'application/x-ndjson', '{"time":1767268800000,"rest-bad":"1"}\n', 1],
  [
    'a bad line near the end of a long CSV, after many good rows were read',
    'text/csv',
    `time,rest-bad\n${Array.from({ length: 10_000 }, (_, i) => `${T0 + i},${i === 8999 ? '1e' : i}`).join('\n')}\n`,
    9001,
  ],
];

for (const [name, type, document, line] of MALFORMED) {
  test(`${name} is 400 naming line ${line}, and nothing of the document is stored`, async () => {
    const answer = await upload(document, type);
    assert.is(answer.status, 400, answer.text);
    assert.is(answer.json.code, 3);
    assert.match(String(answer.json.message), `line ${line}:`);
    const details = JSON.stringify(answer.json.details);
    assert.match(details, 'MALFORMED_DOCUMENT');
    assert.is(await sampleCount('rest-bad'), 0);
  });
}

test('an upload over the raw body limit is 413 with the limit in its message, and stores nothing', async () => {
  let document = 'time,rest-big';
  for (let i = 0; document.length <= RAW_LIMIT + 1000; i++) document += `\n${T0 + i},${i}`;
  // Announced by Content-Length: refused before any of it is read.
  const declared = await upload(document, 'text/csv');
  assert.is(declared.status, 413, declared.text);
  assert.match(String(declared.json.message), `larger than ${RAW_LIMIT} bytes`);
  // Streamed without a length: refused once the total passes the limit.
  const bytes = Buffer.from(document);
  const streamed = await upload(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (let from = 0; from < bytes.length; from += 16 * 1024)
          controller.enqueue(bytes.subarray(from, from + 16 * 1024));
        controller.close();
      },
    }),
    'text/csv',
  );
  assert.is(streamed.status, 413, streamed.text);
  assert.match(String(streamed.json.message), `larger than ${RAW_LIMIT} bytes`);
  assert.is(await sampleCount('rest-big'), 0);
});

test('an upload whose client goes away midway stores none of it', async () => {
  let document = 'time,rest-cut\n';
  for (let i = 0; i < 3000; i++) document += `${T0 + i},${i}\n`;
  const bytes = Buffer.from(document);
  const requestId = 'upload-cut-midway';
  // A raw socket: the headers promise the whole document, half of it comes, then the
  // connection is gone.
  const socket = connect(Number(new URL(app.httpBase).port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    [
      'POST /api/v1/series:upload HTTP/1.1',
      'host: 127.0.0.1',
      `authorization: ${auth.authorization}`,
      'content-type: text/csv',
      `content-length: ${bytes.length}`,
      `x-request-id: ${requestId}`,
      '',
      '',
    ].join('\r\n'),
  );
  socket.write(bytes.subarray(0, bytes.length / 2));
  socket.destroy();
  await eventually(
    () => app.logs.some((line) => line.requestId === requestId && String(line.msg).startsWith('call failed')),
    'the server to give the upload up',
  );
  const failed = app.logs.find(
    (line) => line.requestId === requestId && String(line.msg).startsWith('call failed'),
  );
  assert.is(failed?.code, 'CANCELLED');
  assert.is(await sampleCount('rest-cut'), 0);
  // The same document sent whole is stored whole.
  const whole = await upload(bytes, 'text/csv');
  assert.is(whole.status, 200, whole.text);
  assert.is(await sampleCount('rest-cut'), 3000);
});

test('an upload refused midway leaves its keep-alive connection usable for the next request', async () => {
  // The body is refused at its header (unknown series) with most of it unread.
  let document = 'time,series/nope\n';
  for (let i = 0; document.length < 200_000; i++) document += `${T0 + i},${i}\n`;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, body?: string) =>
    new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const req = request(
        `${app.httpBase}${path}`,
        { method, agent, headers: { ...auth, 'content-type': 'text/csv' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    assert.equal(await send('POST', '/api/v1/series:upload', document), { status: 404, reused: false });
    assert.equal(await send('GET', '/api/v1/series/rest-a'), { status: 200, reused: true });
  } finally {
    agent.destroy();
  }
});

test('export a range as a CSV or NDJSON download that reads back to what was uploaded', async () => {
  const from = new Date(INSTANTS[10] as number).toISOString();
  const to = new Date(INSTANTS[40] as number).toISOString();
  const expected = INSTANTS.slice(10, 40);
  const csv = await fetchAnswer(
    `${app.httpBase}/api/v1/series/rest-a:export?startTime=${from}&endTime=${to}&format=UPLOAD_FORMAT_CSV`,
    { headers: { ...auth, origin: 'https://dashboard.example' } },
  );
  assert.is(csv.status, 200, csv.text);
  // A page on another origin may read the file name too.
  assert.match(csv.headers.get('access-control-expose-headers') ?? '', 'content-disposition');
  assert.is(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.is(csv.headers.get('content-disposition'), 'attachment; filename="rest-a.csv"');
  const lines = csv.text.trimEnd().split('\r\n');
  assert.is(lines[0], 'time,series/rest-a');
  assert.equal(
    lines.slice(1),
    expected.map((t) => `${new Date(t).toISOString()},${INSTANTS.indexOf(t) * 0.5}`),
  );

  const ndjson = await fetchAnswer(
    `${app.httpBase}/api/v1/series/rest-ms:export?startTime=${from}&endTime=${to}&format=UPLOAD_FORMAT_NDJSON&timeFormat=TIME_FORMAT_EPOCH_MILLIS`,
    { headers: auth },
  );
  assert.is(ndjson.status, 200, ndjson.text);
  assert.is(ndjson.headers.get('content-type'), 'application/x-ndjson');
  assert.is(ndjson.headers.get('content-disposition'), 'attachment; filename="rest-ms.ndjson"');
  const objects = ndjson.text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(
    objects,
    expected.map((t) => ({ time: String(t), 'series/rest-ms': INSTANTS.indexOf(t) })),
  );
});

test('an export of an unknown series is 404 as JSON, not an empty download', async () => {
  const answer = await fetchAnswer(`${app.httpBase}/api/v1/series/nope:export`, { headers: auth });
  assert.is(answer.status, 404, answer.text);
  assert.match(answer.headers.get('content-type') ?? '', 'application/json');
});

test.run();
