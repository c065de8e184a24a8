import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import type { ChunkStore, TimeRange } from './chunk-store.ts';
import { assertResultFits, bucketsOf, type Grid, type GridRange, MAX_RESULT_VALUES } from './compute-grid.ts';
import {
  type Aggregation,
  type Anomalies,
  type BinRule,
  type Correlation,
  correlate,
  detectAnomalies,
  type GroupedSeries,
  groupAggregate,
  type Histogram,
  histogram,
  NumericsReason,
  type ResampleResult,
  type RollingAggregation,
  type RollingWindow,
  resample,
  rolling,
} from './numerics/index.ts';
import { AnalyticsReason } from './reasons.ts';
import type { Columns } from './sample-columns.ts';
import { COMPUTE_MAX_BYTES, createSampleReader, type History } from './sample-reader.ts';
import type { SeriesCatalog } from './series.ts';
import { describeFromRollups, describeSamples, type SeriesDescription } from './series-description.ts';
import {
  carriesState,
  historyOf,
  type Transform,
  transformed,
  transformedFrom,
} from './series-transforms.ts';

/** One page of a sample-by-sample output; `nextAfter` is the last row's time when more follow. */
export interface OutputPage {
  times: Float64Array;
  columns: Float64Array[];
  nextAfter: number | undefined;
  /** State for the next page's token (running transforms only). */
  carry?: number[];
}

/** Options of {@link Computations.anomalies}. */
export interface AnomalyRequest {
  method: 'zscore' | 'mad';
  threshold: number;
  /** 0: judge against the whole range; N: against the N samples before each sample. */
  windowSamples: number;
  limit: number;
}

/** A group of {@link Computations.aggregate}. */
export interface SeriesGroupResult {
  labels: Record<string, string>;
  seriesIds: string[];
  counts: Float64Array;
  columns: Float64Array[];
}

/** The computations over stored series: each loads typed arrays and runs one kernel. */
export interface Computations {
  /** Statistics with the `quantiles` (in [0, 1]); `'skip'` answers from chunk summaries. */
  describe(
    seriesId: string,
    range: TimeRange,
    quantiles: readonly number[] | 'skip',
  ): Promise<SeriesDescription>;
  resample(
    seriesId: string,
    range: GridRange,
    grid: Grid,
    aggregations: readonly Aggregation[],
  ): Promise<ResampleResult>;
  rolling(
    seriesId: string,
    range: TimeRange,
    after: number | undefined,
    options: { window: RollingWindow; aggregations: readonly RollingAggregation[]; minPeriods?: number },
    limit: number,
  ): Promise<OutputPage>;
  /** `carry`: what the previous page of a running transform left (see `carriesState`). */
  transform(
    seriesId: string,
    range: TimeRange,
    after: number | undefined,
    transform: Transform,
    limit: number,
    carry?: readonly number[],
  ): Promise<OutputPage>;
  anomalies(
    seriesId: string,
    range: TimeRange,
    options: AnomalyRequest,
  ): Promise<Anomalies & { evaluated: number }>;
  correlate(seriesIds: readonly string[], range: GridRange, widthMs: number): Promise<Correlation>;
  histogram(
    seriesId: string,
    range: TimeRange,
    bins: number | BinRule | readonly number[],
    bounds: { low: number | undefined; high: number | undefined },
  ): Promise<Histogram & { underflow: number; overflow: number }>;
  aggregate(
    filter: { metric: string; labels: Record<string, string>; groupBy: readonly string[] },
    range: GridRange,
    grid: Grid,
    aggregations: readonly Aggregation[],
  ): Promise<{ bucketStarts: Float64Array; groups: SeriesGroupResult[] }>;
}

/** Most series AggregateSeries may pool. */
export const MAX_AGGREGATE_SERIES = 1000;

/** Options of {@link createComputations}. */
export interface ComputationsOptions {
  /**
   * Memory one computation may use for the samples it reads, in bytes; default
   * {@link COMPUTE_MAX_BYTES} (256 MiB, about 6.7 million samples).
   */
  maxBytes?: number;
}

/** Builds the computations over the catalog (names → series) and the chunk store. */
export function createComputations(
  catalog: SeriesCatalog,
  store: ChunkStore,
  options: ComputationsOptions = {},
): Computations {
  const reader = createSampleReader(store, options.maxBytes ?? COMPUTE_MAX_BYTES);
  const pkOf = async (seriesId: string) => (await catalog.get(seriesId)).id;

  return {
    async describe(seriesId, range, quantiles) {
      const pk = await pkOf(seriesId);
      return quantiles === 'skip'
        ? describeFromRollups(store, pk, range)
        : describeSamples(reader, pk, range, quantiles);
    },

    async resample(seriesId, range, grid, aggregations) {
      const series = await reader.read(await pkOf(seriesId), range);
      const buckets = bucketsOf([series], range, grid);
      assertResultFits(buckets.count * (aggregations.length + 2), `${buckets.count} buckets`);
      return resample(series, { buckets: buckets.spec, aggregations });
    },

    async rolling(seriesId, range, after, options, limit) {
      const history: History =
        'count' in options.window
          ? { samples: options.window.count - 1 }
          : { durationMs: options.window.durationMs };
      const rows = Math.max(
        1,
        Math.min(limit, Math.floor(MAX_RESULT_VALUES / (options.aggregations.length + 1))),
      );
      const input = await reader.readPage(await pkOf(seriesId), range, after, history, rows);
      const page = rolling(input.columns, { ...options, offset: input.offset, limit: rows });
      return {
        times: page.times,
        columns: page.columns,
        nextAfter: page.nextOffset === undefined ? undefined : (page.times.at(-1) as number),
      };
    },

    async transform(seriesId, range, after, transform, limit, carry) {
      if (carriesState(transform) && (after === undefined || (carry !== undefined && carry.length > 0))) {
        // From the carried state: only this page's samples are read.
        const input = await reader.readPage(await pkOf(seriesId), range, after, { samples: 0 }, limit);
        const n = Math.min(limit, input.columns.times.length);
        const page = {
          times: input.columns.times.subarray(0, n),
          values: input.columns.values.subarray(0, n),
        };
        const out = transformedFrom(page, transform, carry ?? []);
        const more = n < input.columns.times.length;
        return {
          times: page.times,
          columns: [out.values],
          nextAfter: more ? (page.times[n - 1] as number) : undefined,
          ...(more ? { carry: out.carry } : {}),
        };
      }
      const input = await reader.readPage(await pkOf(seriesId), range, after, historyOf(transform), limit);
      const out = transformed(input.columns, transform);
      const end = Math.min(input.offset + limit, out.length);
      return {
        times: input.columns.times.subarray(input.offset, end),
        columns: [out.subarray(input.offset, end)],
        nextAfter: end < out.length ? (input.columns.times[end - 1] as number) : undefined,
      };
    },

    async anomalies(seriesId, range, options) {
      const series = await reader.read(await pkOf(seriesId), range);
      const n = series.times.length;
      const trailing = options.windowSamples > 0;
      const found = detectAnomalies(series, {
        method: options.method,
        threshold: options.threshold,
        limit: options.limit,
        ...(trailing
          ? { trailing: { count: options.windowSamples, minPeriods: options.windowSamples } }
          : {}),
      });
      return { ...found, evaluated: trailing ? Math.max(0, n - options.windowSamples) : n };
    },

    async correlate(seriesIds, range, widthMs) {
      const all: Columns[] = [];
      let read = 0;
      for (const seriesId of seriesIds) {
        const columns = await reader.read(await pkOf(seriesId), range, read);
        read += columns.times.length;
        all.push(columns);
      }
      const buckets = bucketsOf(all, range, { widthMs, originMs: 0 });
      assertResultFits(
        buckets.count * seriesIds.length,
        `${seriesIds.length} series of ${buckets.count} buckets`,
        4,
      );
      return correlate(all, { buckets: buckets.spec });
    },

    async histogram(seriesId, range, bins, bounds) {
      const { values } = await reader.read(await pkOf(seriesId), range);
      const valueRange = valueRangeOf(values, bounds);
      const result = histogram(values, { bins, ...(valueRange === undefined ? {} : { range: valueRange }) });
      assertResultFits(result.counts.length * 3, `${result.counts.length} bins`);
      const low = result.edges[0] as number;
      const high = result.edges[result.edges.length - 1] as number;
      let underflow = 0;
      let overflow = 0;
      for (const v of values) {
        if (v < low) underflow++;
        else if (v > high) overflow++;
      }
      return { ...result, underflow, overflow };
    },

    async aggregate(filter, range, grid, aggregations) {
      const members = await matchingSeries(catalog, filter.metric, filter.labels);
      const inputs: (GroupedSeries & { labels: Record<string, string>; seriesId: string })[] = [];
      let read = 0;
      for (const member of members) {
        const labels = Object.fromEntries(filter.groupBy.map((key) => [key, member.labels[key] ?? '']));
        const series = await reader.read(member.id, range, read);
        read += series.times.length;
        inputs.push({
          group: JSON.stringify(filter.groupBy.map((key) => labels[key])),
          labels,
          seriesId: member.seriesId,
          series,
        });
      }
      inputs.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
      const buckets = bucketsOf(
        inputs.map((input) => input.series),
        range,
        grid,
      );
      const groupCount = new Set(inputs.map((input) => input.group)).size;
      assertResultFits(
        groupCount * buckets.count * (aggregations.length + 1),
        `${groupCount} groups of ${buckets.count} buckets`,
      );
      const results = groupAggregate(inputs, { buckets: buckets.spec, aggregations });
      return {
        bucketStarts: results[0]?.bucketStarts ?? new Float64Array(0),
        groups: results.map((result) => {
          const members = inputs.filter((input) => input.group === result.group);
          return {
            labels: (members[0] as { labels: Record<string, string> }).labels,
            seriesIds: members.map((input) => input.seriesId),
            counts: result.counts,
            columns: result.columns,
          };
        }),
      };
    },
  };
}

// The histogram's [low, high]: a bound left unset is the data's extreme (or the other bound).
function valueRangeOf(
  values: Float64Array,
  bounds: { low: number | undefined; high: number | undefined },
): [number, number] | undefined {
  const { low, high } = bounds;
  if (low === undefined && high === undefined) return undefined;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const lo = low ?? (values.length > 0 ? min : (high as number));
  const hi = high ?? (values.length > 0 ? max : (low as number));
  if (lo > hi) {
    const field = low === undefined ? 'range_max' : 'range_min';
    throw invalidField(
      NumericsReason.INVALID_BINS,
      field,
      `${field} leaves no values to bin (the range's values span [${min}, ${max}]); set both range_min and range_max`,
    );
  }
  return [lo, hi];
}

async function matchingSeries(catalog: SeriesCatalog, metric: string, labels: Record<string, string>) {
  const found = [];
  let pageToken = '';
  do {
    const page = await catalog.list({ metric, unit: '', device: '', labels, pageSize: 1000, pageToken });
    found.push(...page.series);
    pageToken = page.nextPageToken;
    if (found.length > MAX_AGGREGATE_SERIES) {
      throw new AppError(
        Code.INVALID_ARGUMENT,
        AnalyticsReason.INVALID_COMPUTATION,
        `more than ${MAX_AGGREGATE_SERIES} series of metric "${metric}" match the labels; narrow the label filter`,
        {
          fieldViolations: [
            { field: 'labels', description: `at most ${MAX_AGGREGATE_SERIES} series may match` },
          ],
        },
      );
    }
  } while (pageToken !== '');
  return found;
}
