import { type Aggregation, assertAggregations, SliceAggregator } from './aggregations.ts';
import { type BucketSpec, bucketGrid, bucketStart, bucketStarts } from './buckets.ts';
import type { BudgetOptions } from './limits.ts';
import { assertIntegerIn } from './numerics-reason.ts';
import { assertSeries, lowerBound, type Series } from './series.ts';

/** Options of {@link resample}. */
export interface ResampleOptions extends BudgetOptions {
  buckets: BucketSpec;
  /** The statistics per bucket, several at once (`['first', 'max', 'min', 'last']` is OHLC). */
  aggregations: readonly Aggregation[];
  /** Delta degrees of freedom of `std`/`var`; default 1 (pandas). */
  ddof?: number;
}

/** Buckets and one column per requested aggregation, row for row. */
export interface ResampleResult {
  /** Start of each bucket (epoch ms); every bucket of the grid is reported, empty ones too. */
  bucketStarts: Float64Array;
  /** Non-NaN samples per bucket; 0 marks an empty bucket. */
  counts: Float64Array;
  /** One column per aggregation, in the order requested. Empty bucket: sum 0, count 0, else NaN. */
  columns: Float64Array[];
}

/**
 * Resamples a sorted series into fixed buckets (see {@link BucketSpec} for the edges), with
 * several aggregations in one pass: each bucket is a contiguous slice of the sorted input,
 * found by walking the times once. Throws INVALID_ARGUMENT for an unsorted series or bad
 * options, RESULT_TOO_LARGE when the grid would not fit the memory budget.
 */
export function resample(series: Series, options: ResampleOptions): ResampleResult {
  assertSeries(series);
  assertAggregations(options.aggregations);
  const ddof = options.ddof ?? 1;
  assertIntegerIn(ddof, 0, 1_000_000, 'ddof');
  const grid = bucketGrid(options.buckets, options.aggregations.length, options);
  const { times, values } = series;
  const aggregator = new SliceAggregator(options.aggregations, grid.count, ddof);
  const counts = new Float64Array(grid.count);
  const last = lowerBound(times, grid.end);
  let i = lowerBound(times, grid.start);
  for (let b = 0; b < grid.count; b++) {
    const edge = Math.min(bucketStart(grid, b + 1), grid.end);
    const j = nextEdge(times, i, last, edge);
    counts[b] = aggregator.aggregate(values, i, j, b);
    i = j;
  }
  return { bucketStarts: bucketStarts(grid), counts, columns: aggregator.columns };
}

/**
 * The first index in [from, to) whose time is ≥ `edge` (or `to`): a search doubling its step
 * from `from`, then halving. A bucket of k samples costs about 2·log2(k) comparisons instead of
 * k, and an empty bucket one.
 */
function nextEdge(times: Float64Array, from: number, to: number, edge: number): number {
  let step = 1;
  let lo = from;
  let hi = from;
  while (hi < to && (times[hi] as number) < edge) {
    lo = hi + 1;
    hi = Math.min(to, hi + step);
    step *= 2;
  }
  return lowerBound(times, edge, lo, hi);
}
