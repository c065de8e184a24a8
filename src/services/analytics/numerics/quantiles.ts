import { invalidOption, NumericsReason } from './numerics-reason.ts';
import { withScratch } from './scratch.ts';
import { minInRange, selectRanks } from './selection.ts';

/** The quantiles describe reports when none are requested: p50, p90, p95, p99. */
export const DEFAULT_QUANTILES: readonly number[] = [0.5, 0.9, 0.95, 0.99];

/** Throws INVALID_QUANTILE unless every quantile is a finite number in [0, 1]. */
export function assertQuantiles(quantiles: readonly number[], field = 'quantiles'): void {
  if (!Array.isArray(quantiles)) {
    throw invalidOption(NumericsReason.INVALID_QUANTILE, field, `${field} must be a list of numbers`);
  }
  if (quantiles.length > 1000) {
    throw invalidOption(NumericsReason.INVALID_QUANTILE, field, `${field} may hold at most 1000 quantiles`);
  }
  quantiles.forEach((q, i) => {
    if (typeof q !== 'number' || !(q >= 0 && q <= 1)) {
      throw invalidOption(
        NumericsReason.INVALID_QUANTILE,
        `${field}[${i}]`,
        `${field}[${i}] must be a number in [0, 1] (0.95 is p95), got ${String(q)}`,
      );
    }
  });
}

/**
 * Quantiles of `scratch[from..to)` by numpy's default ("linear", type 7) interpolation:
 * position h = (n − 1)·q, result x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) on the sorted values,
 * with numpy's `_lerp` rounding. The range must hold no NaN; it is reordered (partitioned), not
 * sorted: one multi-rank selection serves every quantile. An empty range gives NaN for each.
 */
export function quantilesInPlace(
  scratch: Float64Array,
  quantiles: readonly number[],
  from = 0,
  to = scratch.length,
): Float64Array {
  const out = new Float64Array(quantiles.length);
  const n = to - from;
  if (n === 0) return out.fill(Number.NaN);
  const lower = quantiles.map((q) => Math.floor((n - 1) * q));
  const ranks = [...new Set(lower)].sort((a, b) => a - b);
  selectRanks(
    scratch,
    ranks.map((r) => r + from),
    from,
    to - 1,
  );
  quantiles.forEach((q, i) => {
    const h = (n - 1) * q;
    const lo = lower[i] as number;
    const a = scratch[from + lo] as number;
    const gamma = h - lo;
    if (gamma === 0 || lo + 1 >= n) {
      out[i] = a;
      return;
    }
    // Everything after a selected rank up to and including the next selected rank is ≥ it: the
    // next order statistic is the minimum of that stretch.
    const nextRank = ranks.find((r) => r > lo);
    const b = minInRange(scratch, from + lo + 1, from + (nextRank === undefined ? n : nextRank + 1));
    out[i] = lerp(a, b, gamma);
  });
  return out;
}

/** numpy's `_lerp`: interpolates from the nearer end so the result stays within [a, b]. */
export function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Quantiles of the non-NaN values of `values[from..to)`, on a copy in the shared scratch
 * buffer; the input is untouched.
 */
export function quantilesOf(
  values: Float64Array,
  quantiles: readonly number[],
  from = 0,
  to = values.length,
): Float64Array {
  return withScratch(to - from, (scratch) => {
    let n = 0;
    for (let i = from; i < to; i++) {
      const v = values[i] as number;
      if (!Number.isNaN(v)) scratch[n++] = v;
    }
    return quantilesInPlace(scratch, quantiles, 0, n);
  });
}
