import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDatabase, type Database, dialectOf } from '../../../src/platform/db/index.ts';
import { Code, isAppError } from '../../../src/platform/errors/index.ts';
import { createLogger } from '../../../src/platform/log/index.ts';
import {
  AnalyticsReason,
  type ChunkStore,
  createChunkStore,
  createComputations,
  createSeriesCatalog,
  type SeriesCatalog,
} from '../../../src/services/analytics/index.ts';
import { ENTITIES } from '../../../src/services/index.ts';
import { tempDir } from '../../helpers/process.ts';

// The cap on one computation is memory, not a sample count: 30 days at 1 Hz must work.
const T0 = Date.UTC(2026, 0, 1);
const MONTH_AT_1HZ = 30 * 86_400;
let db: Database;
let store: ChunkStore;
let catalog: SeriesCatalog;
const range = { start: T0, end: T0 + MONTH_AT_1HZ * 1000 };

test.before(async () => {
  const config = { databaseUrl: undefined, dataDir: join(tempDir('hcs-analytics-capacity-'), 'data') };
  db = await createDatabase({ config, logger: createLogger({ level: 'silent' }), entities: ENTITIES });
  await db.migrate.up();
  store = createChunkStore(() => db.em(), dialectOf(config));
  catalog = createSeriesCatalog(() => db.em());
  const series = await catalog.create({
    seriesId: 'month',
    metric: 'm',
    labels: {},
    unit: '',
    description: '',
    device: '',
    retentionMs: null,
  });
  const times = new Float64Array(MONTH_AT_1HZ);
  const values = new Float64Array(MONTH_AT_1HZ);
  for (let i = 0; i < MONTH_AT_1HZ; i++) {
    times[i] = T0 + i * 1000;
    values[i] = i % 1000;
  }
  await store.write(new Map([[series.id, { times, values }]]));
});

test.after(async () => {
  await db?.close();
});

test('describe over 30 days at 1 Hz (2.6M samples) with exact percentiles, and from chunk summaries', async () => {
  const computations = createComputations(catalog, store);
  const full = await computations.describe('month', range, [0.5, 0.99]);
  assert.is(full.count, MONTH_AT_1HZ);
  assert.is(full.mean, 499.5);
  assert.equal([full.min, full.max, full.first, full.last], [0, 999, 0, (MONTH_AT_1HZ - 1) % 1000]);
  // 2592 copies of 0..999 sorted: p99 sits at index 2591999 * 0.99 = 2566079.01, between a 989
  // (index 2566079) and a 990, so 989.01, as numpy.quantile; std as numpy's std(ddof=1).
  assert.is(full.quantileValues[0], 499.5);
  assert.ok(Math.abs((full.quantileValues[1] as number) - 989.01) < 1e-9);
  assert.ok(Math.abs(full.std - 288.67504594298765) < 1e-9);
  const fast = await computations.describe('month', range, 'skip');
  assert.is(fast.count, MONTH_AT_1HZ);
  assert.ok(Math.abs(fast.std - full.std) <= 1e-9 * full.std, `${fast.std} vs ${full.std}`);
  assert.is(fast.sum, full.sum);
});

test('chunk summaries whose sum of squares cannot give the variance (1e9 ± 0.5) are read raw: std stays exact', async () => {
  const series = await catalog.create({
    seriesId: 'offset',
    metric: 'm',
    labels: { offset: 'yes' },
    unit: '',
    description: '',
    device: '',
    retentionMs: null,
  });
  const n = 5000;
  const times = Float64Array.from({ length: n }, (_, i) => T0 + i * 10);
  const values = Float64Array.from({ length: n }, (_, i) => 1e9 + (i % 2));
  await store.write(new Map([[series.id, { times, values }]]));
  const computations = createComputations(catalog, store);
  const whole = { start: T0, end: T0 + n * 10 };
  const fast = await computations.describe('offset', whole, 'skip');
  // 2500 values of 1e9 and 2500 of 1e9 + 1: variance n/(4(n-1)) with ddof 1.
  const std = Math.sqrt(n / (4 * (n - 1)));
  assert.is(fast.count, n);
  assert.ok(Math.abs(fast.std - std) <= 1e-9 * std, `${fast.std} vs ${std}`);
  assert.is(fast.mean, 1e9 + 0.5);
});

test('past the memory cap a computation is RESOURCE_EXHAUSTED (RANGE_TOO_LARGE) asking to narrow the range', async () => {
  const small = createComputations(catalog, store, { maxBytes: 1024 * 1024 });
  try {
    await small.describe('month', range, [0.5]);
    assert.unreachable('a range past the cap must be refused');
  } catch (error) {
    assert.ok(isAppError(error), String(error));
    assert.is(error.code, Code.RESOURCE_EXHAUSTED);
    assert.is(error.reason, AnalyticsReason.RANGE_TOO_LARGE);
    assert.match(error.message, /narrow the range/);
  }
  const hour = await small.describe('month', { start: T0, end: T0 + 3_600_000 }, [0.5]);
  assert.is(hour.count, 3600);
});

test.run();
