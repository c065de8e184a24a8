import { assertFitsBudget, type BudgetOptions } from './limits.ts';
import { momentsOf } from './moments.ts';
import { assertFiniteIn, assertIntegerIn, invalidOption, NumericsReason } from './numerics-reason.ts';
import { quantilesOf } from './quantiles.ts';
import { RunningMoments } from './running-moments.ts';
import { assertSeries, type Series } from './series.ts';
import { SortedWindow } from './sorted-window.ts';

/** 1/Φ⁻¹(3/4): scales a MAD to estimate σ of normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

/** Options of {@link detectAnomalies}. */
export interface AnomalyOptions extends BudgetOptions {
  /**
   * 'zscore': |x − mean| / σ (population σ, ddof 0, as scipy's zscore); 'mad': the robust
   * |x − median| / (1.4826·MAD), which a few outliers cannot drag along.
   */
  method: 'zscore' | 'mad';
  /** Flag a sample whose score is above this; finite, > 0. Typical: 3 (zscore), 3.5 (mad). */
  threshold: number;
  /**
   * Judge each sample against the `count` samples before it (not itself) instead of the whole
   * range, so a level shift is learned. Unset: one centre and scale for the whole range.
   */
  trailing?: { count: number; minPeriods?: number };
  /** Most anomalies returned (the first ones in time); default 10 000. */
  limit?: number;
}

/** The flagged samples, in time order, with the bounds each was judged against. */
export interface Anomalies {
  indices: Uint32Array;
  times: Float64Array;
  values: Float64Array;
  scores: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** Whether more samples were flagged than `limit` allowed to return. */
  truncated: boolean;
}

/**
 * Flags samples far from the centre of the data: whole-range or trailing-window z-score, or
 * median/MAD. NaN samples are never flagged and never enter a centre or scale. A window with
 * fewer than `minPeriods` (default: half the window, at least 2) values, or a scale of 0
 * (constant data), flags nothing.
 */
export function detectAnomalies(series: Series, options: AnomalyOptions): Anomalies {
  assertSeries(series);
  if (options.method !== 'zscore' && options.method !== 'mad') {
    throw invalidOption(NumericsReason.INVALID_PARAMETER, 'method', "method must be 'zscore' or 'mad'");
  }
  assertFiniteIn(options.threshold, Number.MIN_VALUE, 1e12, 'threshold');
  const limit = options.limit ?? 10_000;
  assertIntegerIn(limit, 1, 1_000_000, 'limit');
  assertFitsBudget(limit * 6, options, `${limit} anomalies`);
  const found = new Collector(series, limit);
  const { values } = series;
  if (options.trailing === undefined) {
    const [center, scale] = wholeRange(values, options.method);
    for (let i = 0; i < values.length; i++) found.judge(i, center, scale, options.threshold);
    return found.result();
  }
  const { count } = options.trailing;
  if (!Number.isInteger(count) || count < 2 || count > 10_000_000) {
    throw invalidOption(
      NumericsReason.INVALID_WINDOW,
      'trailing.count',
      'trailing.count must be a whole number in [2, 10000000]',
    );
  }
  const minPeriods = options.trailing.minPeriods ?? Math.max(2, Math.ceil(count / 2));
  assertIntegerIn(minPeriods, 1, count, 'trailing.minPeriods');
  const moments = new RunningMoments();
  const sorted = options.method === 'mad' ? new SortedWindow(count) : undefined;
  for (let i = 0; i < values.length; i++) {
    if (moments.count >= minPeriods) {
      if (sorted === undefined)
        found.judge(i, moments.average(), Math.sqrt(moments.variance(0)), options.threshold);
      else
        found.judge(
          i,
          sorted.quantile(0.5),
          MAD_TO_SIGMA * sorted.medianAbsoluteDeviation(),
          options.threshold,
        );
    }
    const v = values[i] as number;
    moments.add(v);
    if (sorted !== undefined && !Number.isNaN(v)) sorted.insert(v);
    const leaving = i - count;
    if (leaving >= 0) {
      const old = values[leaving] as number;
      moments.remove(old);
      if (sorted !== undefined && !Number.isNaN(old)) sorted.remove(old);
    }
  }
  return found.result();
}

function wholeRange(values: Float64Array, method: 'zscore' | 'mad'): [number, number] {
  if (method === 'zscore') {
    const m = momentsOf(values, 0, values.length);
    return [m.mean, Math.sqrt(m.m2 / m.count)];
  }
  const [median] = quantilesOf(values, [0.5]) as unknown as [number];
  const deviations = values.map((v) => Math.abs(v - median));
  const [mad] = quantilesOf(deviations, [0.5]) as unknown as [number];
  return [median, MAD_TO_SIGMA * mad];
}

class Collector {
  private readonly indices: number[] = [];
  private readonly bounds: number[] = [];
  private readonly scores: number[] = [];
  private truncated = false;

  constructor(
    private readonly series: Series,
    private readonly limit: number,
  ) {}

  judge(i: number, center: number, scale: number, threshold: number): void {
    const v = this.series.values[i] as number;
    if (!(scale > 0) || Number.isNaN(v)) return;
    const score = Math.abs(v - center) / scale;
    if (!(score > threshold)) return;
    if (this.indices.length === this.limit) {
      this.truncated = true;
      return;
    }
    this.indices.push(i);
    this.scores.push(score);
    this.bounds.push(center - threshold * scale, center + threshold * scale);
  }

  result(): Anomalies {
    const n = this.indices.length;
    const indices = Uint32Array.from(this.indices);
    return {
      indices,
      times: Float64Array.from(indices, (i) => this.series.times[i] as number),
      values: Float64Array.from(indices, (i) => this.series.values[i] as number),
      scores: Float64Array.from(this.scores),
      lower: Float64Array.from({ length: n }, (_, k) => this.bounds[2 * k] as number),
      upper: Float64Array.from({ length: n }, (_, k) => this.bounds[2 * k + 1] as number),
      truncated: this.truncated,
    };
  }
}
