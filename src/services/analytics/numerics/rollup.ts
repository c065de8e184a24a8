import { momentsOf, varianceOf } from './moments.ts';
import type { Series } from './series.ts';

/**
 * The summary a chunk keeps so counts, sums, means, variances and extremes over long ranges are
 * answered without raw samples. It keeps the mean and m2 = Σ(x − mean)² rather than a sum of
 * squares: with values near 1e9 and a variance of 1, Σx² is about 1e18·n, and Σx²/n − mean²
 * loses every significant digit of the variance to rounding (float64 resolves 1e18 to ±128).
 * Merging with Chan et al.'s pairwise formula keeps the variance exact to a few ulps.
 *
 * NaN samples are not counted. An empty rollup has count 0, sum 0 and NaN elsewhere; it is the
 * identity of {@link mergeRollups}.
 */
export interface Rollup {
  count: number;
  sum: number;
  mean: number;
  /** Σ(x − mean)² over the counted samples. */
  m2: number;
  min: number;
  max: number;
  /** The first and last non-NaN values, and their times (epoch ms); NaN when empty. */
  first: number;
  firstTime: number;
  last: number;
  lastTime: number;
}

/** The rollup with no samples: the identity of {@link mergeRollups}. */
export const EMPTY_ROLLUP: Readonly<Rollup> = Object.freeze({
  count: 0,
  sum: 0,
  mean: Number.NaN,
  m2: Number.NaN,
  min: Number.NaN,
  max: Number.NaN,
  first: Number.NaN,
  firstTime: Number.NaN,
  last: Number.NaN,
  lastTime: Number.NaN,
});

/** The rollup of `series[from..to)` (sorted by time), by the two-pass moments. */
export function rollupOf(series: Series, from = 0, to = series.values.length): Rollup {
  const moments = momentsOf(series.values, from, to, true);
  if (moments.count === 0) return { ...EMPTY_ROLLUP };
  let firstIndex = from;
  while (Number.isNaN(series.values[firstIndex])) firstIndex++;
  let lastIndex = to - 1;
  while (Number.isNaN(series.values[lastIndex])) lastIndex--;
  return {
    count: moments.count,
    sum: moments.sum,
    mean: moments.mean,
    m2: moments.m2,
    min: moments.min,
    max: moments.max,
    first: moments.first,
    firstTime: series.times[firstIndex] as number,
    last: moments.last,
    lastTime: series.times[lastIndex] as number,
  };
}

/**
 * The rollup of the union of two rollups' samples (Chan, Golub & LeVeque's parallel update):
 * mean = ā + δ·n_b/n, m2 = m2_a + m2_b + δ²·n_a·n_b/n with δ = b̄ − ā. Commutative up to
 * rounding; `first` is the earlier of the two firsts (ties: `a`'s), `last` the later (ties: `b`'s),
 * so merging chunks in time order keeps "last written wins".
 */
export function mergeRollups(a: Readonly<Rollup>, b: Readonly<Rollup>): Rollup {
  if (b.count === 0) return { ...a };
  if (a.count === 0) return { ...b };
  const count = a.count + b.count;
  const delta = b.mean - a.mean;
  const bFirst = b.firstTime < a.firstTime;
  const aLast = a.lastTime > b.lastTime;
  return {
    count,
    sum: a.sum + b.sum,
    mean: a.mean + (delta * b.count) / count,
    m2: a.m2 + b.m2 + ((delta * delta * a.count) / count) * b.count,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    first: bFirst ? b.first : a.first,
    firstTime: bFirst ? b.firstTime : a.firstTime,
    last: aLast ? a.last : b.last,
    lastTime: aLast ? a.lastTime : b.lastTime,
  };
}

/** Merges any number of rollups, pairwise as a balanced tree so rounding grows with log n. */
export function mergeAllRollups(rollups: readonly Readonly<Rollup>[]): Rollup {
  if (rollups.length === 0) return { ...EMPTY_ROLLUP };
  let level: Readonly<Rollup>[] = [...rollups];
  while (level.length > 1) {
    const next: Rollup[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right === undefined ? { ...(level[i] as Rollup) } : mergeRollups(level[i] as Rollup, right));
    }
    level = next;
  }
  return { ...(level[0] as Rollup) };
}

/** The variance of the rolled-up samples with `ddof` (default 1); NaN when count ≤ ddof. */
export function rollupVariance(rollup: Readonly<Rollup>, ddof = 1): number {
  return varianceOf(rollup.m2, rollup.count, ddof);
}

/** The standard deviation of the rolled-up samples with `ddof` (default 1). */
export function rollupStd(rollup: Readonly<Rollup>, ddof = 1): number {
  return Math.sqrt(rollupVariance(rollup, ddof));
}
