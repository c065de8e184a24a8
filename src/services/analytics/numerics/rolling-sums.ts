import { fillWindowSums } from './window-sums.ts';

/** The aggregations {@link fillRollingSums} computes: those a running sum and count give. */
export type SumAggregation = 'mean' | 'sum' | 'count';

/** Whether every aggregation is one {@link fillRollingSums} computes. */
export function onlySums(aggregations: readonly unknown[]): aggregations is readonly SumAggregation[] {
  return aggregations.every((a) => a === 'mean' || a === 'sum' || a === 'count');
}

/** Where one page of rolling rows starts and ends, and how its windows are bounded. */
export interface SumWindowPage {
  times: Float64Array;
  values: Float64Array;
  /** Window length in samples (`byCount`) or in milliseconds. */
  span: number;
  byCount: boolean;
  minPeriods: number;
  /** First sample read (the left edge of the first row's window), first row, end of rows. */
  begin: number;
  offset: number;
  end: number;
}

/**
 * The rolling mean, sum and count of one page in a single pass with nothing but a compensated
 * (Kahan) sum and a count: the general loop also keeps a running mean and second moment for
 * std/var and calls through a switch per cell, which made a 100-sample rolling mean several
 * times the cost of its arithmetic. The sum is updated with exactly the operations of
 * `RunningMoments`, so results are bit-for-bit those of the general loop. A count window over a
 * stretch without NaN goes to {@link fillWindowSums} instead (four running sums at once: equal to
 * rounding). Writes row `i - offset` of `columns[c]` for `aggregations[c]`.
 */
export function fillRollingSums(
  page: SumWindowPage,
  aggregations: readonly SumAggregation[],
  columns: readonly Float64Array[],
): void {
  const { times, values, span, byCount, minPeriods, begin, offset, end } = page;
  if (byCount && fillCountWindowSums(page, aggregations, columns)) return;
  let count = 0;
  let sum = 0;
  let compensation = 0;
  let left = begin;
  for (let i = begin; i < end; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) {
      count++;
      const y = v - compensation;
      const t = sum + y;
      compensation = t - sum - y;
      sum = t;
    }
    const newLeft = byCount ? Math.max(0, i - span + 1) : advanceWindow(times, left, i, span);
    for (; left < newLeft; left++) {
      const old = values[left] as number;
      if (Number.isNaN(old)) continue;
      count--;
      if (count === 0) {
        sum = compensation = 0;
        continue;
      }
      const y = -old - compensation;
      const t = sum + y;
      compensation = t - sum - y;
      sum = t;
    }
    if (i < offset) continue;
    const row = i - offset;
    const ready = count >= minPeriods && count > 0;
    for (let c = 0; c < columns.length; c++) {
      const a = aggregations[c];
      (columns[c] as Float64Array)[row] =
        a === 'count'
          ? i - left + 1 >= minPeriods
            ? count
            : Number.NaN
          : !ready
            ? Number.NaN
            : a === 'mean'
              ? sum / count
              : sum;
    }
  }
}

/**
 * {@link fillRollingSums} for a count window over a stretch without NaN, where every window's
 * count is its length: each sum or mean column comes from {@link fillWindowSums} (no per-sample
 * NaN test, no per-cell choice of statistic). Returns false, leaving the page to the general
 * loop, when the stretch holds a NaN or an infinity, or when only counts are asked for.
 */
function fillCountWindowSums(
  page: SumWindowPage,
  aggregations: readonly SumAggregation[],
  columns: readonly Float64Array[],
): boolean {
  const { values, span, minPeriods, offset, end } = page;
  if (!aggregations.some((a) => a !== 'count')) return false;
  for (let c = 0; c < aggregations.length; c++) {
    const aggregation = aggregations[c] as SumAggregation;
    const column = columns[c] as Float64Array;
    if (aggregation === 'count') {
      for (let row = 0; row < column.length; row++) column[row] = Math.min(offset + row + 1, span);
    } else if (!fillWindowSums(values, span, offset, end, column, aggregation)) return false;
  }
  // A window of row i holds min(i + 1, span) samples: the rows short of minPeriods are NaN.
  const short =
    span < minPeriods ? end - offset : Math.max(0, Math.min(end - offset, minPeriods - 1 - offset));
  for (const column of columns) column.fill(Number.NaN, 0, short);
  return true;
}

/** The left edge of a duration window ending at `i`, moved on from `left`: times in (t[i] − span, t[i]]. */
export function advanceWindow(times: Float64Array, left: number, i: number, span: number): number {
  const cutoff = (times[i] as number) - span;
  let edge = left;
  while (edge < i && (times[edge] as number) <= cutoff) edge++;
  return edge;
}
