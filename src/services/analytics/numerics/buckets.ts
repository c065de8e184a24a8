import { assertFitsBudget, type BudgetOptions } from './limits.ts';
import { invalidOption, NumericsReason } from './numerics-reason.ts';

/**
 * Fixed-width time buckets over [start, end), epoch ms. Bucket k covers
 * [origin + k·width, origin + (k+1)·width): left-closed, right-open, so a sample exactly on an
 * edge belongs to the bucket that starts there. Edges are aligned to `origin` (default 0, the
 * Unix epoch, so 1 s buckets start on whole seconds, as pandas' `origin='epoch'`); the first and
 * last buckets are those holding `start` and the instant before `end`, and samples outside
 * [start, end) are not counted even when their bucket is reported.
 */
export interface BucketSpec {
  start: number;
  end: number;
  width: number;
  origin?: number;
}

/** The buckets a {@link BucketSpec} resolves to. */
export interface BucketGrid {
  /** Index of the first bucket counted from `origin`. */
  firstIndex: number;
  count: number;
  width: number;
  origin: number;
  start: number;
  end: number;
}

/**
 * Validates a spec (finite numbers, width > 0, end ≥ start) and resolves its grid; throws
 * INVALID_BUCKETS naming the field, or RESULT_TOO_LARGE when `columns` columns of that many
 * buckets would not fit the budget.
 */
export function bucketGrid(
  spec: BucketSpec,
  columns: number,
  options: BudgetOptions = {},
  field = 'buckets',
): BucketGrid {
  const origin = spec.origin ?? 0;
  for (const key of ['start', 'end', 'width'] as const) {
    if (typeof spec[key] !== 'number' || !Number.isFinite(spec[key])) {
      throw invalidOption(
        NumericsReason.INVALID_BUCKETS,
        `${field}.${key}`,
        `${field}.${key} must be a finite number of epoch ms`,
      );
    }
  }
  if (typeof origin !== 'number' || !Number.isFinite(origin)) {
    throw invalidOption(
      NumericsReason.INVALID_BUCKETS,
      `${field}.origin`,
      `${field}.origin must be a finite number`,
    );
  }
  if (!(spec.width > 0)) {
    throw invalidOption(NumericsReason.INVALID_BUCKETS, `${field}.width`, `${field}.width must be positive`);
  }
  if (spec.end < spec.start) {
    throw invalidOption(
      NumericsReason.INVALID_BUCKETS,
      `${field}.end`,
      `${field}.end must not be before ${field}.start`,
    );
  }
  const firstIndex = Math.floor((spec.start - origin) / spec.width);
  const count = spec.end === spec.start ? 0 : Math.ceil((spec.end - origin) / spec.width) - firstIndex;
  assertFitsBudget(count * (columns + 2), options, `${count} buckets of ${columns + 2} columns`);
  return { firstIndex, count, width: spec.width, origin, start: spec.start, end: spec.end };
}

/** The start (epoch ms) of bucket `b` of a grid; computed, never accumulated, so it never drifts. */
export function bucketStart(grid: BucketGrid, b: number): number {
  return grid.origin + (grid.firstIndex + b) * grid.width;
}

/** The start times of every bucket of a grid. */
export function bucketStarts(grid: BucketGrid): Float64Array {
  const starts = new Float64Array(grid.count);
  for (let b = 0; b < grid.count; b++) starts[b] = bucketStart(grid, b);
  return starts;
}
