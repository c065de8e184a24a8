import type { Metadata } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type AnalyticsServiceClient, Series } from '../../../src/gen/hcs/v1/analytics.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { removeTempDir, tempDir } from '../../helpers/process.ts';
import { analyticsClient, eventually, unary } from './analytics-client.ts';

const HOUR = 3_600_000;
// One full storage chunk: retention drops whole chunks, so the old samples fill one alone.
const OLD_SAMPLES = 1024;
const NEW_SAMPLES = 10;

let dataDir: string;
let app: TestApp | undefined;

test.before(() => {
  dataDir = tempDir('hcs-data-');
});

test.after(async () => {
  await app?.close();
  removeTempDir(dataDir);
});

async function open(env: Record<string, string> = {}) {
  app = await startTestApp({ env: { HCS_DATA_DIR: dataDir, ...env } });
  return { app, ...analyticsClient(app.grpcTarget, await app.adminToken()) };
}

async function sampleCount(client: AnalyticsServiceClient, metadata: Metadata, id: string) {
  const got = await unary<{ series?: Series }>((cb) =>
    client.getSeries({ name: `series/${id}` }, metadata, cb),
  );
  return Number(got.series?.sampleCount);
}

test('HCS_ANALYTICS_DEFAULT_RETENTION_MS prunes series without a retention of their own, and only those', async () => {
  const first = await open();
  const now = Date.now();
  const oldTimes = Array.from({ length: OLD_SAMPLES }, (_, i) => now - 3 * HOUR + i);
  const newTimes = Array.from({ length: NEW_SAMPLES }, (_, i) => now - 60_000 + i);
  for (const [id, retention] of [
    ['default-retention', undefined],
    ['own-retention', { seconds: String(24 * 3600), nanos: 0 }],
  ] as const) {
    await unary((cb) =>
      first.client.createSeries(
        { seriesId: id, series: Series.fromPartial({ metric: 'kept', labels: { id }, retention }) },
        first.metadata,
        cb,
      ),
    );
    for (const times of [oldTimes, newTimes]) {
      await unary((cb) =>
        first.client.ingestSamples(
          { batches: [{ series: `series/${id}`, unit: '', samples: [], columns: { times, values: times } }] },
          first.metadata,
          cb,
        ),
      );
    }
  }
  // Under the 30-day default nothing of three hours ago goes.
  assert.is(await sampleCount(first.client, first.metadata, 'default-retention'), OLD_SAMPLES + NEW_SAMPLES);
  first.client.close();
  await first.app.close();
  app = undefined;

  const second = await open({ HCS_ANALYTICS_DEFAULT_RETENTION_MS: String(HOUR) });
  await eventually(
    () => second.app.logs.some((line) => line.msg === 'analytics maintenance pass'),
    'the maintenance pass after start',
  );
  assert.is(await sampleCount(second.client, second.metadata, 'default-retention'), NEW_SAMPLES);
  assert.is(await sampleCount(second.client, second.metadata, 'own-retention'), OLD_SAMPLES + NEW_SAMPLES);
  second.client.close();
});

test.run();
