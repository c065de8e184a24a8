import ndarray from 'ndarray';
import type { BucketSpec } from './buckets.ts';
import type { BudgetOptions } from './limits.ts';
import { assertFitsBudget } from './limits.ts';
import { invalidOption, NumericsReason } from './numerics-reason.ts';
import { resample } from './resample.ts';
import { assertSeries, type Series } from './series.ts';

/** Options of {@link correlate}. */
export interface CorrelationOptions extends BudgetOptions {
  /** The grid the series are aligned on: each series is reduced to its mean per bucket. */
  buckets: BucketSpec;
  /** Fewest buckets where both series have a value for a coefficient (else NaN); default 2. */
  minPeriods?: number;
}

/** Pearson coefficients of every pair, as k × k row-major matrices. */
export interface Correlation {
  size: number;
  /** matrix[i·size + j]: the correlation of series i and j; NaN with too few common buckets or a constant series. */
  matrix: Float64Array;
  /** pairs[i·size + j]: how many buckets both series have a value in. */
  pairs: Float64Array;
}

/**
 * Correlation of two or more series aligned on buckets, pandas' `DataFrame.corr()` on the
 * bucket means: each pair uses the buckets where both have a value (pairwise complete), with
 * its own means (two-pass). The aligned means form a k × buckets ndarray; the inner loops run
 * on its rows' underlying typed arrays.
 */
export function correlate(series: readonly Series[], options: CorrelationOptions): Correlation {
  if (!Array.isArray(series) || series.length < 2 || series.length > 100) {
    throw invalidOption(NumericsReason.INVALID_PARAMETER, 'series', 'correlation needs 2 to 100 series');
  }
  const minPeriods = options.minPeriods ?? 2;
  if (!Number.isInteger(minPeriods) || minPeriods < 1) {
    throw invalidOption(
      NumericsReason.INVALID_PARAMETER,
      'minPeriods',
      'minPeriods must be a whole number ≥ 1',
    );
  }
  const k = series.length;
  const aligned = series.map((s, i) => {
    assertSeries(s, `series[${i}]`);
    return resample(s, { ...options, aggregations: ['mean'] }).columns[0] as Float64Array;
  });
  const buckets = (aligned[0] as Float64Array).length;
  assertFitsBudget(k * buckets, options, `${k} series of ${buckets} buckets`);
  const means = ndarray(new Float64Array(k * buckets), [k, buckets]);
  aligned.forEach((column, i) => {
    means.data.set(column, means.index(i, 0));
  });
  const matrix = new Float64Array(k * k);
  const pairs = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      const x = means.data.subarray(means.index(i, 0), means.index(i, 0) + buckets);
      const y = means.data.subarray(means.index(j, 0), means.index(j, 0) + buckets);
      const [r, n] = pearson(x, y, minPeriods);
      matrix[i * k + j] = matrix[j * k + i] = r;
      pairs[i * k + j] = pairs[j * k + i] = n;
    }
  }
  return { size: k, matrix, pairs };
}

function pearson(x: Float64Array, y: Float64Array, minPeriods: number): [number, number] {
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  for (let b = 0; b < x.length; b++) {
    const vx = x[b] as number;
    const vy = y[b] as number;
    if (Number.isNaN(vx) || Number.isNaN(vy)) continue;
    n++;
    sumX += vx;
    sumY += vy;
  }
  if (n < minPeriods) return [Number.NaN, n];
  const meanX = sumX / n;
  const meanY = sumY / n;
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let b = 0; b < x.length; b++) {
    const dx = (x[b] as number) - meanX;
    const dy = (y[b] as number) - meanY;
    if (Number.isNaN(dx) || Number.isNaN(dy)) continue;
    xy += dx * dy;
    xx += dx * dx;
    yy += dy * dy;
  }
  const divisor = Math.sqrt(xx * yy);
  // Rounding can push |r| a hair past 1; clamp like pandas.
  return [divisor === 0 ? Number.NaN : Math.max(-1, Math.min(1, xy / divisor)), n];
}
