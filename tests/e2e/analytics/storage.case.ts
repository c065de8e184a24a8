import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../../src/platform/config/index.ts';
import { createDatabase, type Database, dialectOf } from '../../../src/platform/db/index.ts';
import { Code, isAppError } from '../../../src/platform/errors/index.ts';
import { createLogger } from '../../../src/platform/log/index.ts';
import {
  AnalyticsReason,
  CHUNK_MAX_SAMPLES,
  type ChunkMaintenance,
  ChunkSchema,
  type ChunkStore,
  type Columns,
  createChunkMaintenance,
  createChunkStore,
  createIngestion,
  createSeriesCatalog,
  createWriteBuffer,
  type Ingestion,
  type SeriesCatalog,
} from '../../../src/services/analytics/index.ts';
import { ENTITIES } from '../../../src/services/index.ts';

type DbConfig = Pick<Config, 'databaseUrl' | 'dataDir'>;

/** What a dialect's test file provides to the shared cases. */
export interface StorageTarget {
  label: string;
  open(): Promise<{ config: DbConfig; cleanup(): Promise<void> }>;
}

const logger = createLogger({ level: 'silent' });
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

function columns(times: number[], values: number[]): Columns {
  return { times: Float64Array.from(times), values: Float64Array.from(values) };
}

function range(from: number, count: number, step = 1000): number[] {
  return Array.from({ length: count }, (_, i) => from + i * step);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.unreachable('expected a rejection');
  return undefined;
}

/**
 * The chunk store, its maintenance, the write buffer and the series catalog on a real
 * database. Each case uses series of its own.
 */
export function runStorageCases(target: StorageTarget): void {
  const test = suite(`analytics storage on ${target.label}`);
  let db: Database;
  let cleanup: () => Promise<void>;
  let store: ChunkStore;
  let maintenance: ChunkMaintenance;
  let catalog: SeriesCatalog;
  let ingestion: Ingestion;
  const everything = { start: 0, end: Number.MAX_SAFE_INTEGER };

  async function newSeries(id: string, retentionMs: number | null = null) {
    return catalog.create({
      seriesId: id,
      metric: 'm',
      labels: { case: id },
      unit: '',
      description: '',
      device: '',
      retentionMs,
    });
  }

  async function chunkSpans(seriesPk: string) {
    const rows = await db.em().find(ChunkSchema, { series: seriesPk }, { orderBy: { startTime: 'asc' } });
    return rows.map((row) => ({ start: Number(row.startTime), end: Number(row.endTime), count: row.count }));
  }

  function assertNoOverlap(spans: { start: number; end: number }[]) {
    for (let i = 1; i < spans.length; i++) {
      assert.ok(
        (spans[i - 1] as { end: number }).end < (spans[i] as { start: number }).start,
        'chunks overlap',
      );
    }
  }

  test.before(async () => {
    const opened = await target.open();
    cleanup = opened.cleanup;
    db = await createDatabase({ config: opened.config, logger, entities: ENTITIES });
    await db.migrate.up();
    const em = () => db.em();
    const dialect = dialectOf(opened.config);
    store = createChunkStore(em, dialect);
    maintenance = createChunkMaintenance(em, dialect);
    catalog = createSeriesCatalog(em);
    ingestion = createIngestion(catalog, createWriteBuffer({ store }));
  });
  test.after(async () => {
    await db?.close();
    await cleanup?.();
  });

  test('samples written in order read back exactly, in chunks of at most the maximum', async () => {
    const series = await newSeries('in-order');
    const times = range(T0, 2500);
    const values = times.map((_, i) => Math.sin(i) * 1e6 + 0.1);
    await store.write(new Map([[series.id, columns(times, values)]]));
    const read = await store.read(series.id, everything);
    assert.equal([...read.times], times);
    assert.equal([...read.values], values);
    const spans = await chunkSpans(series.id);
    assert.equal(
      spans.map((span) => span.count),
      [CHUNK_MAX_SAMPLES, CHUNK_MAX_SAMPLES, 2500 - 2 * CHUNK_MAX_SAMPLES],
    );
    const stored = await catalog.get('in-order');
    assert.is(Number(stored.sampleCount), 2500);
    assert.is(Number(stored.firstTime), T0);
    assert.is(Number(stored.lastTime), times.at(-1));
    assert.is(Number(stored.lastValue), values.at(-1));
  });

  test('a range read is start-inclusive, end-exclusive, across chunk edges', async () => {
    const series = await newSeries('ranges');
    const times = range(T0, 3000);
    await store.write(
      new Map([
        [
          series.id,
          columns(
            times,
            times.map((_, i) => i),
          ),
        ],
      ]),
    );
    const read = await store.read(series.id, { start: T0 + 1000 * 1000, end: T0 + 2100 * 1000 });
    assert.is(read.times.length, 1100);
    assert.is(read.values[0], 1000);
    assert.is(read.values.at(-1), 2099);
    const pages: number[] = [];
    for await (const page of store.pages(series.id, { start: T0, end: T0 + 3000 * 1000 }, 1))
      pages.push(page.times.length);
    assert.is(
      pages.reduce((a, b) => a + b, 0),
      3000,
    );
  });

  test('out-of-order samples are merged and a duplicate instant keeps the last value written', async () => {
    const series = await newSeries('dupes');
    await store.write(new Map([[series.id, columns(range(T0, 2000, 10), range(0, 2000, 1))]]));
    // Inside the stored chunks, in reverse order, with a duplicate within the batch too.
    await store.write(
      new Map([
        [series.id, columns([T0 + 15, T0 + 500, T0 + 10, T0 + 10, T0 + 19_995], [-1, -2, -3, -4, -5])],
      ]),
    );
    const read = await store.read(series.id, everything);
    const at = (time: number) => read.values[read.times.indexOf(time)];
    assert.is(at(T0 + 10), -4);
    assert.is(at(T0 + 500), -2);
    assert.is(at(T0 + 15), -1);
    assert.is(at(T0 + 19_995), -5);
    assert.is(read.times.length, 2000 + 2);
    for (let i = 1; i < read.times.length; i++)
      assert.ok((read.times[i] as number) > (read.times[i - 1] as number));
    assertNoOverlap(await chunkSpans(series.id));
    assert.is(Number((await catalog.get('dupes')).sampleCount), 2002);
  });

  test('rollups summarise each chunk without its samples', async () => {
    const series = await newSeries('rollups');
    const values = range(0, 1500, 1).map((v) => v * 0.5);
    await store.write(new Map([[series.id, columns(range(T0, 1500), values)]]));
    const rollups = await store.rollups(series.id, everything);
    assert.is(
      rollups.reduce((sum, r) => sum + r.count, 0),
      1500,
    );
    const first = rollups[0];
    assert.ok(first);
    const part = values.slice(0, CHUNK_MAX_SAMPLES);
    assert.is(
      first.sum,
      part.reduce((a, b) => a + b, 0),
    );
    assert.is(
      first.sumSquares,
      part.reduce((a, b) => a + b * b, 0),
    );
    assert.is(first.min, 0);
    assert.is(first.max, part.at(-1));
    assert.is(first.firstValue, 0);
    assert.is(first.lastValue, part.at(-1));
  });

  test('concurrent ingestion into one series loses nothing', async () => {
    await newSeries('concurrent');
    const writers = Array.from({ length: 25 }, (_, w) =>
      ingestion.ingest(
        [
          {
            series: 'series/concurrent',
            unit: '',
            samples: [],
            columns: {
              times: Float64Array.from(range(T0 + w, 400, 100)),
              values: Float64Array.from(range(w, 400, 0)),
            },
          },
        ],
        'batches',
      ),
    );
    await Promise.all(writers);
    const read = await store.read((await catalog.get('concurrent')).id, everything);
    assert.is(read.times.length, 25 * 400);
    assert.is(Number((await catalog.get('concurrent')).sampleCount), 25 * 400);
  });

  test('a failed call commits none of its batches', async () => {
    await newSeries('atomic');
    const error = await rejection(
      ingestion.ingest(
        [
          {
            series: 'series/atomic',
            unit: '',
            samples: [],
            columns: { times: Float64Array.of(T0, T0 + 1), values: Float64Array.of(1, 2) },
          },
          {
            series: 'series/atomic',
            unit: '',
            samples: [],
            columns: { times: Float64Array.of(T0 + 2), values: Float64Array.of(Number.NaN) },
          },
        ],
        'batches',
      ),
    );
    assert.ok(isAppError(error) && error.code === Code.INVALID_ARGUMENT, String(error));
    assert.match((error as Error).message, 'batches[1].columns.values[0]');
    assert.is(Number((await catalog.get('atomic')).sampleCount), 0);
  });

  test('deleting a range drops whole chunks and rewrites partial ones', async () => {
    const series = await newSeries('delete-range');
    const times = range(T0, 3 * CHUNK_MAX_SAMPLES);
    await store.write(
      new Map([
        [
          series.id,
          columns(
            times,
            times.map((_, i) => i),
          ),
        ],
      ]),
    );
    // From the middle of chunk 0 to the middle of chunk 2: chunk 1 is dropped whole.
    const start = T0 + 500 * 1000;
    const end = T0 + (2 * CHUNK_MAX_SAMPLES + 100) * 1000;
    const deleted = await maintenance.deleteRange(series.id, { start, end });
    assert.is(deleted, 2 * CHUNK_MAX_SAMPLES + 100 - 500);
    const read = await store.read(series.id, everything);
    assert.is(read.times.length, 3 * CHUNK_MAX_SAMPLES - deleted);
    assert.ok(read.times.every((time) => time < start || time >= end));
    const spans = await chunkSpans(series.id);
    assert.is(spans.length, 2);
    assert.is(Number((await catalog.get('delete-range')).sampleCount), read.times.length);
  });

  test('retention drops whole chunks older than the series retention, keeping newer ones', async () => {
    const series = await newSeries('retention', HOUR);
    const now = T0 + 10 * HOUR;
    const old = range(T0, CHUNK_MAX_SAMPLES);
    const recent = range(now - 60_000, 50);
    await store.write(
      new Map([
        [
          series.id,
          columns(
            old,
            old.map(() => 1),
          ),
        ],
      ]),
    );
    await store.write(
      new Map([
        [
          series.id,
          columns(
            recent,
            recent.map(() => 2),
          ),
        ],
      ]),
    );
    const dropped = await maintenance.applyRetention(now, 30 * 24 * HOUR);
    assert.ok(dropped >= CHUNK_MAX_SAMPLES, `dropped ${dropped}`);
    const read = await store.read(series.id, everything);
    assert.equal([...read.times], recent);
    const stored = await catalog.get('retention');
    assert.is(Number(stored.sampleCount), 50);
    assert.is(Number(stored.firstTime), recent[0]);
  });

  test('compaction merges many small chunks into full ones and keeps every sample', async () => {
    const series = await newSeries('compaction');
    for (let i = 0; i < 40; i++) {
      const times = range(T0 + i * 100_000, 60, 10);
      await store.write(
        new Map([
          [
            series.id,
            columns(
              times,
              times.map(() => i),
            ),
          ],
        ]),
      );
    }
    assert.is((await chunkSpans(series.id)).length, 40);
    const before = await store.read(series.id, everything);
    const removed = await maintenance.compactAll();
    assert.ok(removed >= 37, `removed ${removed}`);
    const spans = await chunkSpans(series.id);
    assert.is(spans.length, Math.ceil((40 * 60) / CHUNK_MAX_SAMPLES));
    assertNoOverlap(spans);
    const after = await store.read(series.id, everything);
    assert.equal([...after.times], [...before.times]);
    assert.equal([...after.values], [...before.values]);
  });

  test('update and delete check the etag: a stale one is ABORTED and changes nothing', async () => {
    const created = await newSeries('etags');
    const etag = `W/"${created.revision}"`;
    const updated = await catalog.update(
      'etags',
      etag,
      { unit: 'Cel', description: '', device: '', retentionMs: null },
      new Set(['unit'] as const),
    );
    assert.is(updated.unit, 'Cel');
    const stale = await rejection(
      catalog.update(
        'etags',
        etag,
        { unit: 'K', description: '', device: '', retentionMs: null },
        new Set(['unit'] as const),
      ),
    );
    assert.ok(
      isAppError(stale) && stale.code === Code.ABORTED && stale.reason === AnalyticsReason.ETAG_MISMATCH,
    );
    assert.is((await catalog.get('etags')).unit, 'Cel');
    const staleDelete = await rejection(catalog.delete('etags', etag));
    assert.ok(isAppError(staleDelete) && staleDelete.code === Code.ABORTED);
    await catalog.delete('etags', `W/"${updated.revision}"`);
    const gone = await rejection(catalog.get('etags'));
    assert.ok(isAppError(gone) && gone.code === Code.NOT_FOUND);
  });

  test('deleting a series removes its chunks; a write racing the delete is NOT_FOUND', async () => {
    const series = await newSeries('delete-series');
    await store.write(new Map([[series.id, columns(range(T0, 10), range(0, 10, 1))]]));
    await catalog.delete('delete-series', '');
    assert.is((await chunkSpans(series.id)).length, 0);
    const outcome = await store.write(new Map([[series.id, columns([T0], [1])]]));
    assert.ok(outcome.missing.has(series.id));
  });

  test('series created by ingestion are found again by metric and labels', async () => {
    const batch = {
      seriesKey: { metric: 'pump_rpm', labels: { site: 'a', pump: '1' } },
      unit: 'rpm',
      samples: [],
      columns: { times: Float64Array.of(T0), values: Float64Array.of(1) },
    };
    const first = await ingestion.ingest([batch], 'batches');
    const second = await ingestion.ingest(
      [{ ...batch, seriesKey: { metric: 'pump_rpm', labels: { pump: '1', site: 'a' } } }],
      'batches',
    );
    assert.is(first.series[0]?.seriesId, second.series[0]?.seriesId);
    assert.is(first.series[0]?.unit, 'rpm');
    const listed = await catalog.list({
      metric: 'pump_rpm',
      unit: '',
      device: '',
      labels: { site: 'a' },
      pageSize: 0,
      pageToken: '',
    });
    assert.is(listed.series.length, 1);
    const none = await catalog.list({
      metric: 'pump_rpm',
      unit: '',
      device: '',
      labels: { site: 'b' },
      pageSize: 0,
      pageToken: '',
    });
    assert.is(none.series.length, 0);
  });

  test.run();
}
