import { AppError, Code } from '../../platform/errors/index.ts';
import type { TimeRange } from './chunk-store.ts';
import { AnalyticsReason } from './reasons.ts';
import type { Columns } from './sample-columns.ts';

/**
 * Most numbers one computed answer may carry (about 2 MB on the wire), so a result always fits
 * a gRPC message; grids past it fail with RESULT_TOO_LARGE, paged outputs are cut to fit.
 */
export const MAX_RESULT_VALUES = 250_000;

/**
 * A range whose open ends (unset `start_time` / `end_time`) close on the data: a bucket grid
 * then starts at the first sample and ends just after the last, instead of at the epoch or now.
 */
export interface GridRange extends TimeRange {
  openStart: boolean;
  openEnd: boolean;
}

/** A bucket grid: width and alignment, epoch ms. */
export interface Grid {
  widthMs: number;
  originMs: number;
}

/**
 * The grid of `grid` over `range`, open ends closed on the data read (`all`'s earliest and
 * latest samples), and its bucket count.
 */
export function bucketsOf(
  all: readonly Columns[],
  range: GridRange,
  grid: Grid,
): { spec: { start: number; end: number; width: number; origin: number }; count: number } {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const { times } of all) {
    if (times.length === 0) continue;
    first = Math.min(first, times[0] as number);
    last = Math.max(last, times[times.length - 1] as number);
  }
  const empty = first > last;
  const start = range.openStart ? (empty ? range.end : first) : range.start;
  const end = range.openEnd ? (empty ? start : Math.max(start, last + 1)) : range.end;
  const from = Math.min(start, end);
  const count =
    end <= from
      ? 0
      : Math.ceil((end - grid.originMs) / grid.widthMs) - Math.floor((from - grid.originMs) / grid.widthMs);
  return { spec: { start: from, end, width: grid.widthMs, origin: grid.originMs }, count };
}

/** Throws RESOURCE_EXHAUSTED (RESULT_TOO_LARGE) when `values` numbers would not fit one answer. */
export function assertResultFits(values: number, what: string, scale = 1): void {
  if (values <= MAX_RESULT_VALUES * scale) return;
  throw new AppError(
    Code.RESOURCE_EXHAUSTED,
    AnalyticsReason.RESULT_TOO_LARGE,
    `the result would hold ${what}, more than the ${MAX_RESULT_VALUES * scale} values one answer may carry; widen the interval or narrow the range`,
  );
}
