/**
 * Count, sum, extremes, first/last and the sum of squared deviations of a slice of values,
 * skipping NaN. The building block of describe, rollups, resampling and groups.
 *
 * Sums are blocked: plain additions inside blocks of {@link BLOCK} values, blocks combined with
 * Neumaier compensation, so the rounding error grows with the block size rather than with n
 * (numpy's pairwise summation has the same property), at the cost of one add per block.
 * The variance uses the corrected two-pass algorithm (Chan, Golub & LeVeque 1983): the mean
 * first, then Σ(x − mean)² − (Σ(x − mean))²/n, which stays exact where the textbook
 * Σx² − n·mean² cancels catastrophically (values near 1e9 with a variance of 1).
 */

const BLOCK = 2048;

/** Moments of the non-NaN values of a slice. Empty → count 0, sum 0, everything else NaN. */
export interface Moments {
  count: number;
  sum: number;
  mean: number;
  /** Σ(x − mean)²: the variance is m2 / (count − ddof). 0 for one value, NaN when empty. */
  m2: number;
  min: number;
  max: number;
  first: number;
  last: number;
}

/**
 * One fused pass for count, sum, min and max of `values[from..to)`, and a second pass for m2
 * only when `withM2`. When `copyTo` is given the non-NaN values are also copied into it from
 * index 0 (for quantiles).
 *
 * The pass first assumes there is no NaN (the common case): a branch per sample to skip NaN
 * costs V8 several times the whole loop. A NaN sum reveals a NaN (or +∞ meeting −∞), and only
 * then is the slice scanned again, skipping NaN.
 */
export function momentsOf(
  values: Float64Array,
  from: number,
  to: number,
  withM2 = true,
  copyTo?: Float64Array,
): Moments {
  const fast = sumAndExtremes(values, from, to);
  const moments = Number.isNaN(fast.sum) ? skippingNaN(values, from, to, copyTo) : fast;
  if (moments === fast && copyTo !== undefined) copyTo.set(values.subarray(from, to));
  if (moments.count === 0) return moments;
  moments.mean = moments.sum / moments.count;
  if (withM2) moments.m2 = sumSquaredDeviations(values, from, to, moments.mean, moments.count);
  return moments;
}

/**
 * The sum of `values[from..to)` exactly as {@link momentsOf} sums it (same blocks, same
 * compensation), without the extremes: NaN when the slice holds a NaN (or +∞ meets −∞), for the
 * caller to fall back to {@link momentsOf}. For aggregations that need only a sum and a count.
 */
export function plainSumOf(values: Float64Array, from: number, to: number): number {
  let sum = 0;
  let compensation = 0;
  for (let blockStart = from; blockStart < to; blockStart += BLOCK) {
    const blockEnd = Math.min(to, blockStart + BLOCK);
    let partial = 0;
    for (let i = blockStart; i < blockEnd; i++) partial += values[i] as number;
    const t = sum + partial;
    if (Number.isFinite(t)) {
      compensation += Math.abs(sum) >= Math.abs(partial) ? sum - t + partial : partial - t + sum;
    }
    sum = t;
  }
  return sum + compensation;
}

function emptyMoments(): Moments {
  const nan = Number.NaN;
  return { count: 0, sum: 0, mean: nan, m2: nan, min: nan, max: nan, first: nan, last: nan };
}

function sumAndExtremes(values: Float64Array, from: number, to: number): Moments {
  if (to <= from) return emptyMoments();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let compensation = 0;
  for (let blockStart = from; blockStart < to; blockStart += BLOCK) {
    const blockEnd = Math.min(to, blockStart + BLOCK);
    let partial = 0;
    for (let i = blockStart; i < blockEnd; i++) {
      const v = values[i] as number;
      partial += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const t = sum + partial;
    // An infinite partial sum has no rounding error to compensate (and ∞ − ∞ would be NaN).
    if (Number.isFinite(t)) {
      compensation += Math.abs(sum) >= Math.abs(partial) ? sum - t + partial : partial - t + sum;
    }
    sum = t;
  }
  const first = values[from] as number;
  const last = values[to - 1] as number;
  return {
    count: to - from,
    sum: sum + compensation,
    mean: Number.NaN,
    m2: Number.NaN,
    min,
    max,
    first,
    last,
  };
}

function skippingNaN(values: Float64Array, from: number, to: number, copyTo?: Float64Array): Moments {
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let compensation = 0;
  for (let blockStart = from; blockStart < to; blockStart += BLOCK) {
    const blockEnd = Math.min(to, blockStart + BLOCK);
    let partial = 0;
    for (let i = blockStart; i < blockEnd; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v)) continue;
      if (copyTo !== undefined) copyTo[count] = v;
      count++;
      partial += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const t = sum + partial;
    // An infinite partial sum has no rounding error to compensate (and ∞ − ∞ would be NaN).
    if (Number.isFinite(t)) {
      compensation += Math.abs(sum) >= Math.abs(partial) ? sum - t + partial : partial - t + sum;
    }
    sum = t;
  }
  if (count === 0) return emptyMoments();
  let firstIndex = from;
  while (Number.isNaN(values[firstIndex])) firstIndex++;
  let lastIndex = to - 1;
  while (Number.isNaN(values[lastIndex])) lastIndex--;
  const first = values[firstIndex] as number;
  const last = values[lastIndex] as number;
  return { count, sum: sum + compensation, mean: Number.NaN, m2: Number.NaN, min, max, first, last };
}

/** Σ(x − mean)² − (Σ(x − mean))²/n over the non-NaN values of `values[from..to)`. */
export function sumSquaredDeviations(
  values: Float64Array,
  from: number,
  to: number,
  mean: number,
  count: number,
): number {
  if (!Number.isFinite(mean)) return Number.NaN;
  // Without NaN in the slice (count covers it all) the loop needs no per-sample branch.
  const hasNaN = count !== to - from;
  let squares = 0;
  let deviations = 0;
  for (let blockStart = from; blockStart < to; blockStart += BLOCK) {
    const blockEnd = Math.min(to, blockStart + BLOCK);
    let blockSquares = 0;
    let blockDeviations = 0;
    if (hasNaN) {
      for (let i = blockStart; i < blockEnd; i++) {
        const d = (values[i] as number) - mean;
        if (Number.isNaN(d)) continue;
        blockSquares += d * d;
        blockDeviations += d;
      }
    } else {
      for (let i = blockStart; i < blockEnd; i++) {
        const d = (values[i] as number) - mean;
        blockSquares += d * d;
        blockDeviations += d;
      }
    }
    squares += blockSquares;
    deviations += blockDeviations;
  }
  return Math.max(0, squares - (deviations * deviations) / count);
}

/** m2 / (count − ddof): NaN when count ≤ ddof (pandas' rule), so one sample has no sample variance. */
export function varianceOf(m2: number, count: number, ddof: number): number {
  return count > ddof ? m2 / (count - ddof) : Number.NaN;
}
