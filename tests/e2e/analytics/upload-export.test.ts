import { type Metadata, status } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type AnalyticsServiceClient,
  Series,
  TimeFormat,
  UploadFormat,
  type UploadSamplesRequest,
} from '../../../src/gen/hcs/v1/analytics.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { analyticsClient, failure, unary } from './analytics-client.ts';

let app: TestApp;
let client: AnalyticsServiceClient;
let metadata: Metadata;
const T0 = Date.UTC(2026, 0, 1);

test.before(async () => {
  app = await startTestApp();
  ({ client, metadata } = analyticsClient(app.grpcTarget, await app.adminToken()));
  for (const id of ['up-a', 'up-b', 'up-bad']) {
    await unary((cb) =>
      client.createSeries(
        { seriesId: id, series: Series.fromPartial({ metric: 'up', labels: { id } }) },
        metadata,
        cb,
      ),
    );
  }
});

test.after(async () => {
  client?.close();
  await app?.close();
});

// Sends `document` in pieces of `pieceBytes`, the options on the first message only.
function upload(document: Buffer, pieceBytes: number, first: Partial<UploadSamplesRequest>) {
  return new Promise<{ rowCount: string; acceptedCount: string; series: string[] }>((resolve, reject) => {
    const call = client.uploadSamples(metadata, (error, response) =>
      error ? reject(error) : resolve(response),
    );
    for (let from = 0, index = 0; from < document.length; from += pieceBytes, index++) {
      const data = document.subarray(from, from + pieceBytes);
      call.write({
        format: UploadFormat.UPLOAD_FORMAT_UNSPECIFIED,
        timeColumn: '',
        timeFormat: TimeFormat.TIME_FORMAT_UNSPECIFIED,
        ...(index === 0 ? first : {}),
        body: {
          contentType: index === 0 ? (first.body?.contentType ?? 'text/csv') : '',
          data,
          extensions: [],
        },
      });
    }
    call.end();
  });
}

async function sampleCount(id: string): Promise<string> {
  const got = await unary<{ series?: Series }>((cb) =>
    client.getSeries({ name: `series/${id}` }, metadata, cb),
  );
  return got.series?.sampleCount ?? '';
}

function exportText(id: string, format: UploadFormat): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const call = client.exportSamples(
      {
        name: `series/${id}`,
        startTime: undefined,
        endTime: undefined,
        format,
        timeFormat: TimeFormat.TIME_FORMAT_UNSPECIFIED,
      },
      metadata,
    );
    call.on('data', (body: { data: Buffer }) => parts.push(body.data));
    call.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    call.on('error', reject);
  });
}

test('a CSV upload in small pieces stores every value column into its series', async () => {
  const rows = ['time,series/up-a,up-b'];
  for (let i = 0; i < 5000; i++)
    rows.push(`${new Date(T0 + i * 1000).toISOString()},${i / 4},${i % 7 === 0 ? '' : -i}`);
  const response = await upload(Buffer.from(rows.join('\r\n'), 'utf8'), 777, {});
  assert.is(response.rowCount, '5000');
  assert.equal(response.series, ['series/up-a', 'series/up-b']);
  assert.is(await sampleCount('up-a'), '5000');
  assert.is(await sampleCount('up-b'), String(5000 - Math.ceil(5000 / 7)));
});

test('an NDJSON upload is read by its content type', async () => {
  const lines = Array.from({ length: 100 }, (_, i) =>
    JSON.stringify({ time: T0 + 10_000_000 + i, 'up-a': i }),
  );
  const response = await upload(Buffer.from(`${lines.join('\n')}\n`, 'utf8'), 100, {
    body: { contentType: 'application/x-ndjson', data: Buffer.alloc(0), extensions: [] },
  });
  assert.is(response.acceptedCount, '100');
  assert.is(await sampleCount('up-a'), '5100');
});

test('a CSV with one bad line fails naming the line and commits nothing', async () => {
  const rows = ['time,up-bad'];
  for (let i = 0; i < 3000; i++) rows.push(`${T0 + i},${i === 2500 ? 'oops' : i}`);
  const error = await failure(upload(Buffer.from(rows.join('\n'), 'utf8'), 4096, {}));
  assert.is(error.code, status.INVALID_ARGUMENT);
  assert.match(error.details, 'line 2502');
  assert.is(await sampleCount('up-bad'), '0');
  const unknown = await failure(upload(Buffer.from('time,series/nope\n1,1\n', 'utf8'), 4096, {}));
  assert.is(unknown.code, status.NOT_FOUND);
});

test('export streams the samples as CSV and NDJSON that read back to the same doubles', async () => {
  const csv = await exportText('up-a', UploadFormat.UPLOAD_FORMAT_CSV);
  const lines = csv.trimEnd().split('\r\n');
  assert.is(lines[0], 'time,series/up-a');
  assert.is(lines.length, 5101);
  assert.is(lines[2], `${new Date(T0 + 1000).toISOString()},0.25`);
  const ndjson = await exportText('up-a', UploadFormat.UPLOAD_FORMAT_NDJSON);
  const objects = ndjson
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.is(objects.length, 5100);
  assert.equal(objects.at(-1), { time: new Date(T0 + 10_000_099).toISOString(), 'series/up-a': 99 });
  // What was exported uploads again unchanged (duplicates replace, so the count stays).
  await upload(Buffer.from(csv, 'utf8'), 1000, {});
  assert.is(await sampleCount('up-a'), '5100');
});

test.run();
