import type { Metadata } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type AnalyticsServiceClient,
  type IngestStreamRequest,
  type IngestStreamWithAcksResponse,
  SampleForm,
  Series,
} from '../../../src/gen/hcs/v1/analytics.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { analyticsClient, unary } from './analytics-client.ts';

let app: TestApp;
let client: AnalyticsServiceClient;
let metadata: Metadata;

const CLIENT_STREAMS = 6;
const ACKED_STREAMS = 2;
const WRITERS = CLIENT_STREAMS + ACKED_STREAMS;
const MESSAGES = 20;
const PER_MESSAGE = 250;
// Recent: samples older than the default retention would be pruned.
const BASE = Date.now() - 86_400_000;

test.before(async () => {
  app = await startTestApp();
  ({ client, metadata } = analyticsClient(app.grpcTarget, await app.adminToken()));
  await unary((cb) =>
    client.createSeries(
      { seriesId: 'shared', series: Series.fromPartial({ metric: 'shared', labels: {} }) },
      metadata,
      cb,
    ),
  );
});

test.after(async () => {
  client?.close();
  await app?.close();
});

// Writer w's k-th sample sits at BASE + k * WRITERS + w: the writers' instants interleave, so
// every commit lands inside chunks the other writers are filling. Its value names both.
function messageOf(w: number, m: number): IngestStreamRequest {
  const ks = Array.from({ length: PER_MESSAGE }, (_, i) => m * PER_MESSAGE + i);
  return {
    batches: [
      {
        series: 'series/shared',
        unit: '',
        samples: [],
        columns: { times: ks.map((k) => BASE + k * WRITERS + w), values: ks.map((k) => w * 1e6 + k) },
      },
    ],
  };
}

function clientStream(w: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = client.ingestStream(metadata, (error, response) =>
      error ? reject(error) : resolve(Number(response.acceptedCount)),
    );
    for (let m = 0; m < MESSAGES; m++) call.write(messageOf(w, m));
    call.end();
  });
}

function ackedStream(w: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = client.ingestStreamWithAcks(metadata);
    let samples = 0;
    call.on('data', (ack: IngestStreamWithAcksResponse) => {
      samples = Number(ack.committedSampleCount);
    });
    call.on('error', reject);
    call.on('end', () => resolve(samples));
    for (let m = 0; m < MESSAGES; m++) call.write(messageOf(w, m));
    call.end();
  });
}

test('several concurrent client streams into one series lose nothing and mix nothing up', async () => {
  const accepted = await Promise.all(
    Array.from({ length: WRITERS }, (_, w) => (w < CLIENT_STREAMS ? clientStream(w) : ackedStream(w))),
  );
  assert.equal(
    accepted,
    Array.from({ length: WRITERS }, () => MESSAGES * PER_MESSAGE),
  );

  const times: number[] = [];
  const values: number[] = [];
  const call = client.streamSamples(
    {
      name: 'series/shared',
      startTime: undefined,
      endTime: undefined,
      pageSize: 10_000,
      form: SampleForm.SAMPLE_FORM_COLUMNS,
    },
    metadata,
  );
  for await (const message of call as AsyncIterable<{ columns?: { times: number[]; values: number[] } }>) {
    times.push(...(message.columns?.times ?? []));
    values.push(...(message.columns?.values ?? []));
  }
  const total = WRITERS * MESSAGES * PER_MESSAGE;
  assert.is(times.length, total);
  for (const [i, time] of times.entries()) {
    assert.is(time, BASE + i, `sample ${i} is in time order with no gap or repeat`);
    const w = i % WRITERS;
    assert.is(values[i], w * 1e6 + (i - w) / WRITERS, `the sample at ${time} holds writer ${w}'s value`);
  }
  const got = await unary<{ series?: Series }>((cb) =>
    client.getSeries({ name: 'series/shared' }, metadata, cb),
  );
  assert.is(Number(got.series?.sampleCount), total);
});

test.run();
