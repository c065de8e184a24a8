import { invalidField } from '../../platform/errors/index.ts';
import { AnalyticsReason } from './reasons.ts';
import { type Columns, EMPTY_COLUMNS } from './sample-columns.ts';
import type { Series } from './series.entity.ts';
import type { SeriesCatalog } from './series.ts';
import { assertSeriesKey, seriesIdOfName } from './series-rules.ts';
import type { WriteBuffer } from './write-buffer.ts';

/** Most batches in one call or stream message. */
export const MAX_BATCHES = 1000;
/** Most samples in one call or stream message. */
export const MAX_SAMPLES_PER_CALL = 100_000;
/** How far ahead of the server's clock a sample may be. */
export const MAX_FUTURE_MS = 5 * 60_000;

/** One batch as the procedures hand it over (the shape of the proto's SampleBatch). */
export interface BatchInput {
  series?: string | undefined;
  seriesKey?: { metric: string; labels: Record<string, string> } | undefined;
  unit: string;
  samples: readonly { sampleTime?: Date | undefined; value: number }[];
  /** Columns as typed arrays (`decodeIngestRequest`); used as they are when valid, not copied. */
  columns?: Columns | undefined;
}

/** The outcome of one ingestion call or message. */
export interface Ingested {
  sampleCount: number;
  /** The series each batch went to, in batch order. */
  series: Series[];
}

/** A call or message handed to the write buffer, not necessarily committed yet. */
export interface Submitted extends Ingested {
  /** Settles when the samples are committed (or the commit failed); never unhandled. */
  committed: Promise<void>;
}

/** Validates, resolves and commits batches of samples. */
export interface Ingestion {
  /**
   * Commits `batches` all or nothing; resolves after the commit. `field` prefixes error
   * fields, e.g. `batches` or `messages[3].batches`.
   */
  ingest(batches: readonly BatchInput[], field: string): Promise<Ingested>;
  /**
   * Validates and resolves `batches` and queues them for commit, without waiting for it.
   * Submissions commit in the order they are made, so a stream submits its messages one
   * after the other and awaits their `committed` later.
   */
  submit(batches: readonly BatchInput[], field: string): Promise<Submitted>;
  /** Writes prepared columns to known series (uploads); resolves after the commit. */
  ingestColumns(writes: ReadonlyMap<Series, Columns>): Promise<number>;
}

/** Builds the ingestion path over the catalog and the write buffer. */
export function createIngestion(
  catalog: SeriesCatalog,
  buffer: WriteBuffer,
  now: () => number = Date.now,
): Ingestion {
  async function resolve(batch: BatchInput, field: string): Promise<Series> {
    if (batch.series !== undefined && batch.seriesKey !== undefined) {
      throw invalidField(
        AnalyticsReason.INVALID_BATCH,
        field,
        `${field} must set series or series_key, not both`,
      );
    }
    if (batch.series !== undefined) return catalog.get(seriesIdOfName(batch.series, `${field}.series`));
    if (batch.seriesKey === undefined) {
      throw invalidField(AnalyticsReason.INVALID_BATCH, field, `${field} must set series or series_key`);
    }
    assertSeriesKey(batch.seriesKey.metric, batch.seriesKey.labels, `${field}.series_key`);
    return catalog.ensure(batch.seriesKey.metric, batch.seriesKey.labels, batch.unit);
  }

  return {
    async ingest(batches, field) {
      const { committed, ...ingested } = await this.submit(batches, field);
      await committed;
      return ingested;
    },

    async submit(batches, field) {
      if (batches.length > MAX_BATCHES) {
        throw invalidField(
          AnalyticsReason.TOO_MANY_SAMPLES,
          field,
          `${field} has ${batches.length} batches; at most ${MAX_BATCHES}`,
        );
      }
      let total = 0;
      for (const batch of batches) total += batch.samples.length + (batch.columns?.times.length ?? 0);
      if (total > MAX_SAMPLES_PER_CALL) {
        throw invalidField(
          AnalyticsReason.TOO_MANY_SAMPLES,
          field,
          `${field} holds ${total} samples; at most ${MAX_SAMPLES_PER_CALL} per call or message`,
        );
      }
      const latest = now() + MAX_FUTURE_MS;
      const columns = batches.map((batch, index) => columnsOf(batch, `${field}[${index}]`, latest));
      const series: Series[] = [];
      for (const [index, batch] of batches.entries()) series.push(await resolve(batch, `${field}[${index}]`));
      const writes = new Map<Series, Columns>();
      for (const [index, target] of series.entries()) {
        const previous = writes.get(target);
        const next = columns[index] as Columns;
        writes.set(target, previous === undefined ? next : joined(previous, next));
      }
      const committed = this.ingestColumns(writes).then(() => undefined);
      committed.catch(() => undefined);
      return { sampleCount: total, series, committed };
    },

    ingestColumns(writes) {
      const byPk = new Map<string, Columns>();
      let count = 0;
      for (const [series, columns] of writes) {
        const previous = byPk.get(series.id);
        byPk.set(series.id, previous === undefined ? columns : joined(previous, columns));
        count += columns.times.length;
      }
      return count === 0 ? Promise.resolve(0) : buffer.write(byPk, count).then(() => count);
    },
  };
}

// Both forms of a batch as one set of columns, checked sample by sample. A batch of columns
// alone (the fast path of a producer) is checked in place and used without a copy.
function columnsOf(batch: BatchInput, field: string, latest: number): Columns {
  const fromColumns = batch.columns ?? EMPTY_COLUMNS;
  if (fromColumns.times.length !== fromColumns.values.length) {
    throw invalidField(
      AnalyticsReason.INVALID_SAMPLE,
      `${field}.columns`,
      `${field}.columns has ${fromColumns.times.length} times but ${fromColumns.values.length} values`,
    );
  }
  assertColumns(fromColumns, `${field}.columns`, latest);
  if (batch.samples.length === 0) return fromColumns;
  const n = batch.samples.length + fromColumns.times.length;
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  for (const [i, sample] of batch.samples.entries()) {
    const time = sample.sampleTime === undefined ? Number.NaN : Math.floor(sample.sampleTime.getTime());
    times[i] = checkedTime(time, `${field}.samples[${i}].sample_time`, latest);
    values[i] = checkedValue(sample.value, `${field}.samples[${i}].value`);
  }
  times.set(fromColumns.times, batch.samples.length);
  values.set(fromColumns.values, batch.samples.length);
  return { times, values };
}

// One tight loop over both columns; the field of the first bad sample is named only once found.
function assertColumns(columns: Columns, field: string, latest: number): void {
  const { times, values } = columns;
  for (let i = 0; i < times.length; i++) {
    const time = times[i] as number;
    if (!(time >= 0 && time <= latest && Number.isInteger(time))) {
      checkedTime(time, `${field}.times[${i}]`, latest);
    }
    if (!Number.isFinite(values[i] as number)) checkedValue(values[i] as number, `${field}.values[${i}]`);
  }
}

/** An instant (epoch ms) checked to lie in [0, latest]; names `field` otherwise. */
export function checkedTime(time: number, field: string, latest: number): number {
  if (Number.isInteger(time) && time >= 0 && time <= latest) return time;
  throw invalidField(
    AnalyticsReason.INVALID_SAMPLE,
    field,
    Number.isNaN(time)
      ? `${field} is required`
      : `${field} must be an instant between 1970-01-01 and 5 minutes from now (got ${time} ms)`,
  );
}

/** A finite value; names `field` otherwise. */
export function checkedValue(value: number, field: string): number {
  if (Number.isFinite(value)) return value;
  throw invalidField(
    AnalyticsReason.INVALID_SAMPLE,
    field,
    `${field} must be a finite number (got ${value})`,
  );
}

function joined(a: Columns, b: Columns): Columns {
  const times = new Float64Array(a.times.length + b.times.length);
  const values = new Float64Array(times.length);
  times.set(a.times);
  times.set(b.times, a.times.length);
  values.set(a.values);
  values.set(b.values, a.values.length);
  return { times, values };
}
