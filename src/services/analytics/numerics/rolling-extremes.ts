import { advanceWindow, type SumWindowPage } from './rolling-sums.ts';

/** The aggregations {@link fillRollingExtremes} computes. */
export type ExtremeAggregation = 'min' | 'max';

/** Whether every aggregation is one {@link fillRollingExtremes} computes. */
export function onlyExtremes(
  aggregations: readonly unknown[],
): aggregations is readonly ExtremeAggregation[] {
  return aggregations.every((a) => a === 'min' || a === 'max');
}

/**
 * The rolling minimum or maximum of one page, a column per aggregation, each in one pass with a
 * monotonic deque of indices kept inline and a count of the window's non-NaN samples (for
 * `minPeriods`): the general loop also keeps a running mean and second moment, and calls the
 * deque and a switch per cell. Same windows, same deque, so results are those of the general
 * loop exactly (an extreme is one of the samples; nothing is rounded). Hand-written because this
 * loop is the product.
 */
export function fillRollingExtremes(
  page: SumWindowPage,
  aggregations: readonly ExtremeAggregation[],
  columns: readonly Float64Array[],
): void {
  const indices = new Int32Array(Math.max(1, page.end - page.begin));
  aggregations.forEach((aggregation, c) => {
    fillExtreme(page, aggregation === 'max', columns[c] as Float64Array, indices);
  });
}

function fillExtreme(page: SumWindowPage, keepsMax: boolean, out: Float64Array, indices: Int32Array): void {
  const { times, values, span, byCount, minPeriods, begin, offset, end } = page;
  // Indices are stored relative to `begin`; the values at indices head..tail−1 are monotonic.
  let head = 0;
  let tail = 0;
  let count = 0;
  let left = begin;
  for (let i = begin; i < end; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) {
      count++;
      if (keepsMax) {
        while (tail > head && (values[(indices[tail - 1] as number) + begin] as number) <= v) tail--;
      } else {
        while (tail > head && (values[(indices[tail - 1] as number) + begin] as number) >= v) tail--;
      }
      indices[tail++] = i - begin;
    }
    const newLeft = byCount ? Math.max(0, i - span + 1) : advanceWindow(times, left, i, span);
    for (; left < newLeft; left++) if (!Number.isNaN(values[left])) count--;
    while (tail > head && (indices[head] as number) + begin < left) head++;
    if (i < offset) continue;
    out[i - offset] =
      count >= minPeriods && count > 0 ? (values[(indices[head] as number) + begin] as number) : Number.NaN;
  }
}
