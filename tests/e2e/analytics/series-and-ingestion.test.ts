import type { Metadata } from '@grpc/grpc-js';
import { type ClientDuplexStream, status } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type AnalyticsServiceClient,
  type IngestStreamWithAcksRequest,
  type IngestStreamWithAcksResponse,
  SampleForm,
  type Series,
  Series as SeriesMessage,
} from '../../../src/gen/hcs/v1/analytics.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { analyticsClient, eventually, failure, unary } from './analytics-client.ts';

let app: TestApp;
let client: AnalyticsServiceClient;
let metadata: Metadata;
const T0 = Date.UTC(2026, 0, 1);

test.before(async () => {
  app = await startTestApp();
  ({ client, metadata } = analyticsClient(app.grpcTarget, await app.adminToken()));
});

test.after(async () => {
  client?.close();
  await app?.close();
});

function newSeries(metric: string, labels: Record<string, string> = {}): Series {
  return SeriesMessage.fromPartial({
    metric,
    labels,
    unit: 'Cel',
    description: 'a test series',
    device: 'devices/pump-1',
  });
}

test('series CRUD over gRPC: create, get, list by label, update with the etag, stale etag is ABORTED', async () => {
  const created = await unary<{ series?: Series }>((cb) =>
    client.createSeries(
      { seriesId: 'room-1', series: newSeries('room_temperature', { site: 'a' }) },
      metadata,
      cb,
    ),
  );
  assert.is(created.series?.name, 'series/room-1');
  assert.is(created.series?.device, 'devices/pump-1');
  const etag = created.series?.etag ?? '';
  assert.ok(etag !== '');
  const duplicate = await failure(
    unary((cb) =>
      client.createSeries(
        { seriesId: 'room-2', series: newSeries('room_temperature', { site: 'a' }) },
        metadata,
        cb,
      ),
    ),
  );
  assert.is(duplicate.code, status.ALREADY_EXISTS);
  const listed = await unary<{ series: Series[] }>((cb) =>
    client.listSeries(
      { pageSize: 0, pageToken: '', metric: '', unit: '', device: '', labels: { site: 'a' } },
      metadata,
      cb,
    ),
  );
  assert.equal(
    listed.series.map((one) => one.name),
    ['series/room-1'],
  );
  const updated = await unary<{ series?: Series }>((cb) =>
    client.updateSeries(
      { series: { ...(created.series as Series), unit: 'K' }, updateMask: ['unit'] },
      metadata,
      cb,
    ),
  );
  assert.is(updated.series?.unit, 'K');
  assert.is.not(updated.series?.etag, etag);
  const stale = await failure(
    unary((cb) =>
      client.updateSeries(
        { series: { ...(created.series as Series), unit: 'F' }, updateMask: ['unit'] },
        metadata,
        cb,
      ),
    ),
  );
  assert.is(stale.code, status.ABORTED);
  const staleDelete = await failure(
    unary((cb) => client.deleteSeries({ name: 'series/room-1', etag }, metadata, cb)),
  );
  assert.is(staleDelete.code, status.ABORTED);
  const bad = await failure(
    unary((cb) => client.createSeries({ seriesId: 'Bad_Id', series: newSeries('m') }, metadata, cb)),
  );
  assert.is(bad.code, status.INVALID_ARGUMENT);
  assert.match(bad.details, 'series_id');
  const nul = await failure(
    unary((cb) => client.createSeries({ seriesId: '', series: newSeries('m', { k: 'a\0b' }) }, metadata, cb)),
  );
  assert.is(nul.code, status.INVALID_ARGUMENT);
  const injection = await failure(
    unary((cb) => client.getSeries({ name: "series/x' or '1'='1" }, metadata, cb)),
  );
  assert.is(injection.code, status.INVALID_ARGUMENT);
});

test('batch ingestion in both forms, read back per sample and columnar, paged both ways', async () => {
  const response = await unary<{ acceptedCount: string; series: string[] }>((cb) =>
    client.ingestSamples(
      {
        batches: [
          {
            seriesKey: { metric: 'flow', labels: { line: '1' } },
            unit: 'l/min',
            samples: [{ sampleTime: new Date(T0 + 5000), value: 5 }],
            columns: { times: [T0 + 3000, T0, T0 + 1000, T0 + 2000, T0 + 1000], values: [3, 0, 9, 2, 1] },
          },
        ],
      },
      metadata,
      cb,
    ),
  );
  assert.is(response.acceptedCount, '6');
  const name = response.series[0] ?? '';
  assert.match(name, /^series\/flow-/);
  const columns = await unary<{ columns?: { times: number[]; values: number[] }; nextPageToken: string }>(
    (cb) =>
      client.querySamples(
        {
          startTime: undefined,
          endTime: undefined,
          name,
          pageSize: 0,
          pageToken: '',
          orderBy: '',
          form: SampleForm.SAMPLE_FORM_COLUMNS,
        },
        metadata,
        cb,
      ),
  );
  assert.equal(columns.columns?.times, [T0, T0 + 1000, T0 + 2000, T0 + 3000, T0 + 5000]);
  // The duplicate at T0 + 1000: the later sample in the batch (1) replaced the earlier (9).
  assert.equal(columns.columns?.values, [0, 1, 2, 3, 5]);
  const first = await unary<{ samples: { sampleTime?: Date; value: number }[]; nextPageToken: string }>(
    (cb) =>
      client.querySamples(
        {
          startTime: undefined,
          endTime: undefined,
          name,
          pageSize: 2,
          pageToken: '',
          orderBy: 'sample_time desc',
          form: 0,
        },
        metadata,
        cb,
      ),
  );
  assert.equal(
    first.samples.map((s) => s.value),
    [5, 3],
  );
  const second = await unary<{ samples: { value: number }[]; nextPageToken: string }>((cb) =>
    client.querySamples(
      {
        startTime: undefined,
        endTime: undefined,
        name,
        pageSize: 2,
        pageToken: first.nextPageToken,
        orderBy: 'sample_time desc',
        form: 0,
      },
      metadata,
      cb,
    ),
  );
  assert.equal(
    second.samples.map((s) => s.value),
    [2, 1],
  );
  const badToken = await failure(
    unary((cb) =>
      client.querySamples(
        {
          startTime: undefined,
          endTime: undefined,
          name,
          pageSize: 2,
          pageToken: first.nextPageToken,
          orderBy: '',
          form: 0,
        },
        metadata,
        cb,
      ),
    ),
  );
  assert.is(badToken.code, status.INVALID_ARGUMENT);
  const got = await unary<{ series?: Series }>((cb) => client.getSeries({ name }, metadata, cb));
  assert.is(got.series?.sampleCount, '5');
  assert.is(got.series?.latestSample?.value, 5);
});

test('a bad sample fails the whole call, naming the field, and stores nothing', async () => {
  const error = await failure(
    unary((cb) =>
      client.ingestSamples(
        {
          batches: [
            {
              seriesKey: { metric: 'atomic_flow', labels: {} },
              unit: '',
              samples: [],
              columns: { times: [T0], values: [1] },
            },
            {
              seriesKey: { metric: 'atomic_flow', labels: {} },
              unit: '',
              samples: [],
              columns: { times: [T0, Date.now() + 3_600_000], values: [1, 2] },
            },
          ],
        },
        metadata,
        cb,
      ),
    ),
  );
  assert.is(error.code, status.INVALID_ARGUMENT);
  assert.match(error.details, 'batches[1].columns.times[1]');
  const listed = await unary<{ series: Series[] }>((cb) =>
    client.listSeries(
      { pageSize: 0, pageToken: '', metric: 'atomic_flow', unit: '', device: '', labels: {} },
      metadata,
      cb,
    ),
  );
  assert.is(listed.series.length, 0);
  const tooMany = await failure(
    unary((cb) =>
      client.ingestSamples(
        {
          batches: [
            {
              series: 'series/room-1',
              unit: '',
              samples: [],
              columns: { times: new Array(100_001).fill(T0), values: new Array(100_001).fill(1) },
            },
          ],
        },
        metadata,
        cb,
      ),
    ),
  );
  assert.is(tooMany.code, status.INVALID_ARGUMENT);
  const unknown = await failure(
    unary((cb) =>
      client.ingestSamples(
        { batches: [{ series: 'series/nope', unit: '', samples: [], columns: undefined }] },
        metadata,
        cb,
      ),
    ),
  );
  assert.is(unknown.code, status.NOT_FOUND);
});

test('the acked stream acknowledges committed messages while it stays open, then ends after half-close', async () => {
  const acks: IngestStreamWithAcksResponse[] = [];
  const call: ClientDuplexStream<IngestStreamWithAcksRequest, IngestStreamWithAcksResponse> =
    client.ingestStreamWithAcks(metadata);
  call.on('data', (ack: IngestStreamWithAcksResponse) => acks.push(ack));
  const ended = new Promise<void>((resolve, reject) => {
    call.on('end', resolve);
    call.on('error', reject);
  });
  for (let m = 0; m < 5; m++) {
    call.write({
      batches: [
        {
          series: 'series/room-1',
          unit: '',
          samples: [],
          columns: { times: [T0 + m * 10, T0 + m * 10 + 1], values: [m, m] },
        },
      ],
    });
  }
  // Acknowledged without closing the stream.
  await eventually(() => acks.some((ack) => ack.committedMessageCount === '5'), 'the ack of message 5');
  assert.is(acks.at(-1)?.committedSampleCount, '10');
  const got = await unary<{ series?: Series }>((cb) =>
    client.getSeries({ name: 'series/room-1' }, metadata, cb),
  );
  assert.is(got.series?.sampleCount, '10');
  call.end();
  await ended;
  const counts = acks.map((ack) => Number(ack.committedMessageCount));
  assert.equal(
    counts,
    [...counts].sort((a, b) => a - b),
  );
});

test('the acked stream ends with INVALID_ARGUMENT naming the bad message; earlier messages stay committed', async () => {
  const acks: IngestStreamWithAcksResponse[] = [];
  const call = client.ingestStreamWithAcks(metadata);
  call.on('data', (ack: IngestStreamWithAcksResponse) => acks.push(ack));
  const outcome = new Promise<{ code: number; details: string }>((resolve) => {
    call.on('error', (error: { code: number; details: string }) => resolve(error));
    call.on('end', () => resolve({ code: 0, details: '' }));
  });
  call.write({
    batches: [
      {
        seriesKey: { metric: 'stream_bad', labels: {} },
        unit: '',
        samples: [],
        columns: { times: [T0], values: [1] },
      },
    ],
  });
  await eventually(() => acks.length > 0, 'the first ack');
  call.write({
    batches: [
      {
        seriesKey: { metric: 'stream_bad', labels: {} },
        unit: '',
        samples: [],
        columns: { times: [T0 + 1], values: [Number.NaN] },
      },
    ],
  });
  const { code, details } = await outcome;
  assert.is(code, status.INVALID_ARGUMENT);
  assert.match(details, 'messages[1].batches[0].columns.values[0]');
  const listed = await unary<{ series: Series[] }>((cb) =>
    client.listSeries(
      { pageSize: 0, pageToken: '', metric: 'stream_bad', unit: '', device: '', labels: {} },
      metadata,
      cb,
    ),
  );
  assert.is(listed.series[0]?.sampleCount, '1');
});

test('the client stream answers once with the committed totals', async () => {
  const response = await new Promise<{ messageCount: string; acceptedCount: string }>((resolve, reject) => {
    const call = client.ingestStream(metadata, (error, result) => (error ? reject(error) : resolve(result)));
    for (let m = 0; m < 3; m++) {
      call.write({
        batches: [
          {
            seriesKey: { metric: 'client_stream', labels: {} },
            unit: '',
            samples: [{ sampleTime: new Date(T0 + m), value: m }],
            columns: undefined,
          },
        ],
      });
    }
    call.end();
  });
  assert.equal(response, { messageCount: '3', acceptedCount: '3' });
});

test('StreamSamples yields every sample of a range in bounded messages; DeleteSamples removes a range', async () => {
  const times = Array.from({ length: 3000 }, (_, i) => T0 + i * 1000);
  await unary((cb) =>
    client.ingestSamples(
      {
        batches: [
          {
            series: 'series/room-1',
            unit: '',
            samples: [],
            columns: { times, values: times.map((_, i) => i) },
          },
        ],
      },
      metadata,
      cb,
    ),
  );
  const sizes: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const call = client.streamSamples(
      {
        name: 'series/room-1',
        startTime: new Date(T0 + 1000 * 1000),
        endTime: new Date(T0 + 2500 * 1000),
        pageSize: 400,
        form: SampleForm.SAMPLE_FORM_COLUMNS,
      },
      metadata,
    );
    call.on('data', (message: { columns?: { times: number[] } }) =>
      sizes.push(message.columns?.times.length ?? 0),
    );
    call.on('end', resolve);
    call.on('error', reject);
  });
  assert.is(
    sizes.reduce((a, b) => a + b, 0),
    1500,
  );
  assert.ok(sizes.every((size) => size <= 400));
  const deleted = await unary<{ deletedSampleCount: string }>((cb) =>
    client.deleteSamples(
      { name: 'series/room-1', startTime: new Date(T0 + 100_500), endTime: new Date(T0 + 2_000_000) },
      metadata,
      cb,
    ),
  );
  assert.is(deleted.deletedSampleCount, '1899');
  const inverted = await failure(
    unary((cb) =>
      client.deleteSamples(
        { name: 'series/room-1', startTime: new Date(T0 + 5), endTime: new Date(T0) },
        metadata,
        cb,
      ),
    ),
  );
  assert.is(inverted.code, status.INVALID_ARGUMENT);
});

test.run();
