import { assertIntegerIn } from './numerics-reason.ts';
import { assertSeries, type Series } from './series.ts';

/**
 * x[i] − x[i − periods] (pandas `diff`): the first `periods` outputs are NaN, and so is any
 * output with a NaN operand. `periods` default 1, any whole number in [1, 1e9].
 */
export function diff(values: Float64Array, periods = 1): Float64Array {
  assertIntegerIn(periods, 1, 1e9, 'periods');
  const out = new Float64Array(values.length);
  out.fill(Number.NaN, 0, Math.min(periods, values.length));
  for (let i = periods; i < values.length; i++)
    out[i] = (values[i] as number) - (values[i - periods] as number);
  return out;
}

/**
 * x[i] / x[i − periods] − 1 (pandas `pct_change` without filling): NaN for the first
 * `periods`, for a NaN operand, and ±Infinity after a zero, as pandas.
 */
export function pctChange(values: Float64Array, periods = 1): Float64Array {
  assertIntegerIn(periods, 1, 1e9, 'periods');
  const out = new Float64Array(values.length);
  out.fill(Number.NaN, 0, Math.min(periods, values.length));
  for (let i = periods; i < values.length; i++)
    out[i] = (values[i] as number) / (values[i - periods] as number) - 1;
  return out;
}

/** Where a running sum stands after the samples before a page: see {@link cumsum}. */
export interface CumsumState {
  sum: number;
}

/**
 * Running sum skipping NaN (pandas `cumsum`): a NaN sample outputs NaN and does not reset the sum.
 * With `state`, the sum starts from `state.sum` and is left there at the end, so a series cut
 * into pages gives, page by page, exactly the outputs of one call over all of it.
 */
export function cumsum(values: Float64Array, state: CumsumState = { sum: 0 }): Float64Array {
  const out = new Float64Array(values.length);
  let sum = state.sum;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) out[i] = v;
    else out[i] = sum += v;
  }
  state.sum = sum;
  return out;
}

/** Options of {@link rate}. */
export interface RateOptions {
  /**
   * Treat a drop as a counter reset (Prometheus' convention): the increase across it is the new
   * value itself rather than a negative difference. Default false (a gauge's signed rate).
   */
  counter?: boolean;
}

/**
 * Change per second between consecutive samples: (v[i] − v[i−1]) / ((t[i] − t[i−1]) / 1000).
 * The first output is NaN; so is one whose interval is zero (duplicate timestamps have no rate,
 * rather than an infinite one) or whose operands include NaN.
 */
export function rate(series: Series, options: RateOptions = {}): Float64Array {
  assertSeries(series);
  const { times, values } = series;
  const out = new Float64Array(values.length);
  if (values.length > 0) out[0] = Number.NaN;
  for (let i = 1; i < values.length; i++) {
    const dt = ((times[i] as number) - (times[i - 1] as number)) / 1000;
    const current = values[i] as number;
    let dv = current - (values[i - 1] as number);
    if (options.counter === true && dv < 0) dv = current;
    out[i] = dt > 0 ? dv / dt : Number.NaN;
  }
  return out;
}
