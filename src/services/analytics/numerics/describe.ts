import { assertFitsBudget, type BudgetOptions } from './limits.ts';
import { type Moments, momentsOf, varianceOf } from './moments.ts';
import { assertIntegerIn } from './numerics-reason.ts';
import { assertQuantiles, DEFAULT_QUANTILES, quantilesInPlace } from './quantiles.ts';
import { withScratch } from './scratch.ts';

/** Options of {@link describe}. */
export interface DescribeOptions extends BudgetOptions {
  /** Quantiles to report, each in [0, 1]; default p50, p90, p95, p99. `[]` skips the selection. */
  quantiles?: readonly number[];
  /** Delta degrees of freedom of `std` and `variance`; default 1 (sample, as pandas), 0 as numpy. */
  ddof?: number;
  /** First index of the slice to describe; default 0. */
  from?: number;
  /** End (exclusive) of the slice; default the array's length. */
  to?: number;
}

/**
 * The summary of a slice of values. NaN samples are skipped by every statistic (pandas'
 * `skipna=True`); `count` is the number of non-NaN samples. With count 0: `sum` 0, everything
 * else NaN. With count ≤ ddof: `std` and `variance` NaN.
 */
export interface Description {
  count: number;
  sum: number;
  mean: number;
  std: number;
  variance: number;
  min: number;
  max: number;
  /** The first and last non-NaN values in input (time) order. */
  first: number;
  last: number;
  /** The requested quantiles, in the order requested (numpy's linear interpolation). */
  quantiles: readonly number[];
  /** The value of each quantile in `quantiles`, index for index. */
  quantileValues: Float64Array;
}

/**
 * count, sum, mean, std, variance, min, max, first, last and exact quantiles of
 * `values[from..to)` in two passes over the input and one multi-rank selection over a copy of
 * the non-NaN values (the input is never reordered). Memory: one float64 per sample for the
 * copy when quantiles are asked for (RESULT_TOO_LARGE past `maxBytes`; the buffer is reused
 * between calls), nothing otherwise.
 */
export function describe(values: Float64Array, options: DescribeOptions = {}): Description {
  const quantiles = options.quantiles ?? DEFAULT_QUANTILES;
  assertQuantiles(quantiles);
  const ddof = options.ddof ?? 1;
  assertIntegerIn(ddof, 0, 1_000_000, 'ddof');
  const from = options.from ?? 0;
  const to = options.to ?? values.length;
  assertIntegerIn(from, 0, values.length, 'from');
  assertIntegerIn(to, from, values.length, 'to');

  const n = to - from;
  if (quantiles.length === 0)
    return summary(momentsOf(values, from, to), ddof, quantiles, new Float64Array(0));
  assertFitsBudget(n, options, `quantiles of ${n} samples`);
  return withScratch(n, (scratch) => {
    const moments = momentsOf(values, from, to, true, scratch);
    return summary(moments, ddof, quantiles, quantilesInPlace(scratch, quantiles, 0, moments.count));
  });
}

function summary(moments: Moments, ddof: number, quantiles: readonly number[], q: Float64Array): Description {
  const variance = varianceOf(moments.m2, moments.count, ddof);
  return {
    count: moments.count,
    sum: moments.sum,
    mean: moments.mean,
    std: Math.sqrt(variance),
    variance,
    min: moments.min,
    max: moments.max,
    first: moments.first,
    last: moments.last,
    quantiles,
    quantileValues: q,
  };
}
