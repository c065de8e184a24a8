import { invalidOption, NumericsReason } from './numerics-reason.ts';

/**
 * One telemetry series as columns. `times` are epoch milliseconds as float64: a float64 holds
 * every integer up to 2^53, so an epoch-ms timestamp of this century (about 2^41) keeps 12
 * fractional bits, a resolution of 0.24 µs. Microseconds are exact to within that; nanoseconds
 * are not representable and are rounded. `values` are float64; NaN marks a missing sample.
 * Kernels expect `times` sorted ascending (duplicates allowed): see {@link sortByTime}.
 */
export interface Series {
  times: Float64Array;
  values: Float64Array;
}

/** Whether `times` is sorted ascending (ties allowed) with no NaN. O(n), no allocation. */
export function isSortedByTime(times: Float64Array): boolean {
  if (times.length === 0) return true;
  // NaN fails every comparison, so one test per time finds both disorder and NaN; once sorted,
  // every time is finite when the first and the last are.
  for (let i = 1; i < times.length; i++) {
    if (!((times[i] as number) >= (times[i - 1] as number))) return false;
  }
  return Number.isFinite(times[0]) && Number.isFinite(times[times.length - 1]);
}

/**
 * Throws INVALID_ARGUMENT unless `times` and `values` have the same length and `times` is sorted
 * ascending and finite. `field` names the series in the message (`series[1]`).
 */
export function assertSeries(series: Series, field = 'series'): void {
  if (series.times.length !== series.values.length) {
    throw invalidOption(
      NumericsReason.SERIES_LENGTH_MISMATCH,
      field,
      `${field} has ${series.times.length} times but ${series.values.length} values`,
    );
  }
  if (!isSortedByTime(series.times)) {
    throw invalidOption(
      NumericsReason.SERIES_NOT_SORTED,
      `${field}.times`,
      `${field}.times must be finite and sorted ascending; sort the series first`,
    );
  }
}

/**
 * A copy of the series sorted by time, stable: samples with equal times keep their input order
 * (so "last" still means the last one written). Throws SERIES_LENGTH_MISMATCH on unequal
 * columns and SERIES_NOT_SORTED for a NaN or infinite time, which has no place in any order.
 * Already-sorted input is copied in O(n) without sorting.
 */
export function sortByTime(series: Series): Series {
  const { times, values } = series;
  if (times.length !== values.length) {
    throw invalidOption(
      NumericsReason.SERIES_LENGTH_MISMATCH,
      'series',
      `series has ${times.length} times but ${values.length} values`,
    );
  }
  let sorted = true;
  for (let i = 0; i < times.length; i++) {
    const t = times[i] as number;
    if (!Number.isFinite(t)) {
      throw invalidOption(NumericsReason.SERIES_NOT_SORTED, `series.times[${i}]`, `time ${t} is not finite`);
    }
    if (i > 0 && t < (times[i - 1] as number)) sorted = false;
  }
  if (sorted) return { times: times.slice(), values: values.slice() };
  const order = new Uint32Array(times.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // TypedArray#sort is not guaranteed stable for a comparator; the index tie-break makes it so.
  order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  const sortedTimes = new Float64Array(times.length);
  const sortedValues = new Float64Array(times.length);
  for (let i = 0; i < order.length; i++) {
    const from = order[i] as number;
    sortedTimes[i] = times[from] as number;
    sortedValues[i] = values[from] as number;
  }
  return { times: sortedTimes, values: sortedValues };
}

/** Index of the first time ≥ `t` in sorted `times` (binary search; `times.length` if none). */
export function lowerBound(times: Float64Array, t: number, from = 0, to = times.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first time > `t` in sorted `times` (binary search; `times.length` if none). */
export function upperBound(times: Float64Array, t: number, from = 0, to = times.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
