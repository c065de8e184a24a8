import { resultTooLarge } from './numerics-reason.ts';

/**
 * How much one computation may allocate for its result and scratch, in bytes. The cap is on
 * memory, not on a sample count: 30 days at 1 Hz (2.6M samples, 21 MB of values) fits many
 * times over. Default 256 MiB; a caller with a tighter budget passes its own.
 */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** Options every kernel that allocates a result in proportion to its input or grid accepts. */
export interface BudgetOptions {
  /** Bytes the kernel may allocate for its result and scratch; default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
}

/**
 * Throws RESOURCE_EXHAUSTED when `cells` float64 values (8 bytes each) would not fit the budget.
 * `what` names the result in the message (`"resample: 3 columns x 1e9 buckets"`).
 */
export function assertFitsBudget(cells: number, options: BudgetOptions, what: string): void {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = cells * 8;
  if (!(bytes <= maxBytes)) {
    throw resultTooLarge(
      `${what} needs ${formatBytes(bytes)}, more than the ${formatBytes(maxBytes)} one computation may use; narrow the range or widen the buckets`,
    );
  }
}

function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'an unbounded amount';
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}
