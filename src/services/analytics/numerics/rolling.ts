import { assertFitsBudget, type BudgetOptions } from './limits.ts';
import { MonotonicDeque } from './monotonic-deque.ts';
import { assertIntegerIn, invalidOption, NumericsReason } from './numerics-reason.ts';
import { fillRollingExtremes, onlyExtremes } from './rolling-extremes.ts';
import { advanceWindow, fillRollingSums, onlySums } from './rolling-sums.ts';
import { RunningMoments } from './running-moments.ts';
import { assertSeries, type Series, upperBound } from './series.ts';
import { SortedWindow } from './sorted-window.ts';

/** A window of the last `count` samples, or of the samples in (t − durationMs, t]. */
export type RollingWindow = { count: number } | { durationMs: number };

/** A statistic of each window. */
export type RollingAggregation =
  | 'mean'
  | 'std'
  | 'var'
  | 'min'
  | 'max'
  | 'sum'
  | 'count'
  | { quantile: number };

/** Default and largest number of outputs in one page. */
export const ROLLING_PAGE = { defaultLimit: 10_000, maxLimit: 1_000_000 } as const;

/** Options of {@link rolling}. */
export interface RollingOptions extends BudgetOptions {
  window: RollingWindow;
  aggregations: readonly RollingAggregation[];
  /**
   * Fewest non-NaN samples a window needs for a result (else NaN). Default: the window's count
   * for count windows, 1 for duration windows (pandas' defaults).
   */
  minPeriods?: number;
  /** Delta degrees of freedom of `std`/`var`; default 1. */
  ddof?: number;
  /** Index of the first sample to output; default 0. */
  offset?: number;
  /** Most outputs to return; default {@link ROLLING_PAGE}.defaultLimit. */
  limit?: number;
}

/** One page of rolling results: one row per input sample from `offset`. */
export interface RollingPage {
  offset: number;
  /** The times of the output rows: a view of the input's times (no copy). */
  times: Float64Array;
  /** One column per aggregation, in the order requested. */
  columns: Float64Array[];
  /** The offset of the next page, or undefined when this page reaches the end. */
  nextOffset: number | undefined;
}

/**
 * Rolling statistics, one output per input sample, paged by `offset`/`limit` so a long series
 * never becomes one huge message. A page starting mid-series replays the window before it, so
 * pages concatenate to the unpaged result (to rounding: running sums restart at each page).
 * Windows: by count (the sample and the count − 1 before it, NaN samples included in the count) or by duration ((t − d, t], closed
 * on the right as pandas; later samples at the same time are not in the window). NaN samples
 * are skipped by every statistic; `count` is the non-NaN samples, reported once the window spans
 * `minPeriods` samples (pandas' rule). sum/mean/std/var are running (Kahan/Welford, O(1) per
 * sample), min/max use monotonic deques (amortised O(1)), quantiles a sorted window
 * (O(log w) search + a memmove), so the cost does not grow with a sort per window.
 */
export function rolling(series: Series, options: RollingOptions): RollingPage {
  assertSeries(series);
  return rollingOfSorted(series, options);
}

/** {@link rolling} of a series already checked by {@link assertSeries}. */
function rollingOfSorted(series: Series, options: RollingOptions): RollingPage {
  const { times, values } = series;
  const byCount = 'count' in options.window;
  const span = byCount
    ? (options.window as { count: number }).count
    : (options.window as { durationMs: number }).durationMs;
  assertWindow(options.window, span);
  assertRollingAggregations(options.aggregations);
  const minPeriods = options.minPeriods ?? (byCount ? span : 1);
  assertIntegerIn(minPeriods, 0, Number.MAX_SAFE_INTEGER, 'minPeriods');
  const ddof = options.ddof ?? 1;
  assertIntegerIn(ddof, 0, 1_000_000, 'ddof');
  const offset = options.offset ?? 0;
  const limit = options.limit ?? ROLLING_PAGE.defaultLimit;
  assertIntegerIn(offset, 0, times.length, 'offset');
  assertIntegerIn(limit, 1, ROLLING_PAGE.maxLimit, 'limit');

  const end = Math.min(times.length, offset + limit);
  const rows = end - offset;
  assertFitsBudget(rows * (options.aggregations.length + 1), options, `a page of ${rows} rolling rows`);
  const leftOf = (i: number): number =>
    byCount ? Math.max(0, i - span + 1) : upperBound(times, (times[i] as number) - span, 0, i);
  const begin = offset < end ? leftOf(offset) : offset;

  const columns = options.aggregations.map(() => new Float64Array(rows));
  const result: RollingPage = {
    offset,
    times: times.subarray(offset, end),
    columns,
    nextOffset: end < times.length ? end : undefined,
  };
  const page = { times, values, span, byCount, minPeriods, begin, offset, end };
  if (onlySums(options.aggregations)) {
    fillRollingSums(page, options.aggregations, columns);
    return result;
  }
  if (onlyExtremes(options.aggregations)) {
    fillRollingExtremes(page, options.aggregations, columns);
    return result;
  }

  const want = new Set(options.aggregations.map((a) => (typeof a === 'string' ? a : 'quantile')));
  const moments = new RunningMoments();
  const minDeque = want.has('min') ? new MonotonicDeque(values, end - begin, false, begin) : undefined;
  const maxDeque = want.has('max') ? new MonotonicDeque(values, end - begin, true, begin) : undefined;
  const sorted = want.has('quantile')
    ? new SortedWindow(byCount ? Math.min(span, end - begin) : 64)
    : undefined;

  const statistic = (a: Exclude<RollingAggregation, 'count'>): number => {
    switch (a) {
      case 'mean':
        return moments.average();
      case 'sum':
        return moments.total();
      case 'var':
        return moments.variance(ddof);
      case 'std':
        return Math.sqrt(moments.variance(ddof));
      case 'min':
        return (minDeque as MonotonicDeque).extreme();
      case 'max':
        return (maxDeque as MonotonicDeque).extreme();
      default:
        return (sorted as SortedWindow).quantile(a.quantile);
    }
  };

  let left = begin;
  for (let i = begin; i < end; i++) {
    const v = values[i] as number;
    moments.add(v);
    minDeque?.push(i);
    maxDeque?.push(i);
    if (sorted !== undefined && !Number.isNaN(v)) sorted.insert(v);
    const newLeft = byCount ? Math.max(0, i - span + 1) : advanceWindow(times, left, i, span);
    for (; left < newLeft; left++) {
      const old = values[left] as number;
      moments.remove(old);
      if (sorted !== undefined && !Number.isNaN(old)) sorted.remove(old);
    }
    minDeque?.evictBefore(left);
    maxDeque?.evictBefore(left);
    if (i < offset) continue;
    const row = i - offset;
    const ready = moments.count >= minPeriods && moments.count > 0;
    for (let c = 0; c < columns.length; c++) {
      const a = options.aggregations[c] as RollingAggregation;
      (columns[c] as Float64Array)[row] =
        a === 'count'
          ? i - left + 1 >= minPeriods
            ? moments.count
            : Number.NaN
          : ready
            ? statistic(a)
            : Number.NaN;
    }
  }
  return result;
}

/**
 * Every page of {@link rolling} from `options.offset` on, lazily. The series is checked once,
 * not once per page (the check reads every time).
 */
export function* rollingPages(series: Series, options: RollingOptions): Generator<RollingPage> {
  assertSeries(series);
  let offset: number | undefined = options.offset ?? 0;
  while (offset !== undefined) {
    const page = rollingOfSorted(series, { ...options, offset });
    yield page;
    offset = page.nextOffset;
  }
}

/** First index whose time is > times[i] − span, searching forward from `left`. */
function assertWindow(window: RollingWindow, span: number): void {
  if ('count' in window) {
    if (!Number.isInteger(span) || span < 1 || span > 10_000_000) {
      throw invalidOption(
        NumericsReason.INVALID_WINDOW,
        'window.count',
        'window.count must be a whole number in [1, 10000000]',
      );
    }
  } else if (typeof span !== 'number' || !Number.isFinite(span) || span <= 0) {
    throw invalidOption(
      NumericsReason.INVALID_WINDOW,
      'window.durationMs',
      'window.durationMs must be a positive finite number of ms',
    );
  }
}

const ROLLING: readonly string[] = ['mean', 'std', 'var', 'min', 'max', 'sum', 'count'];

function assertRollingAggregations(aggregations: readonly RollingAggregation[]): void {
  if (!Array.isArray(aggregations) || aggregations.length === 0 || aggregations.length > 32) {
    throw invalidOption(
      NumericsReason.INVALID_AGGREGATION,
      'aggregations',
      'aggregations must name 1 to 32 statistics',
    );
  }
  aggregations.forEach((a, i) => {
    if (
      typeof a === 'string'
        ? !ROLLING.includes(a)
        : typeof a?.quantile !== 'number' || !(a.quantile >= 0 && a.quantile <= 1)
    ) {
      throw invalidOption(
        NumericsReason.INVALID_AGGREGATION,
        `aggregations[${i}]`,
        `aggregations[${i}] must be one of ${ROLLING.join(', ')} or { quantile } with a quantile in [0, 1]`,
      );
    }
  });
}
