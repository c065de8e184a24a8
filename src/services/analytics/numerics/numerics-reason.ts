import { AppError, Code, invalidField } from '../../../platform/errors/index.ts';

/** Reasons the numerics kernels raise. A client may branch on them; they never change. */
export const NumericsReason = {
  /** `times` and `values` of one series differ in length. */
  SERIES_LENGTH_MISMATCH: 'SERIES_LENGTH_MISMATCH',
  /** A series' times are not sorted ascending, or one is NaN or infinite. */
  SERIES_NOT_SORTED: 'SERIES_NOT_SORTED',
  /** A quantile is not a finite number in [0, 1]. */
  INVALID_QUANTILE: 'INVALID_QUANTILE',
  /** A bucket width, range or origin is not a finite positive/ordered number. */
  INVALID_BUCKETS: 'INVALID_BUCKETS',
  /** A rolling or trailing window is not a positive whole count or a positive finite duration. */
  INVALID_WINDOW: 'INVALID_WINDOW',
  /** An aggregation is unknown or repeated. */
  INVALID_AGGREGATION: 'INVALID_AGGREGATION',
  /** A page offset or limit is negative, fractional or past the input. */
  INVALID_PAGE: 'INVALID_PAGE',
  /** A histogram bin count, rule, range or edge list is invalid. */
  INVALID_BINS: 'INVALID_BINS',
  /** A numeric parameter (threshold, alpha, periods, ddof…) is out of its documented domain. */
  INVALID_PARAMETER: 'INVALID_PARAMETER',
  /** The result would exceed the memory a single computation may use. */
  RESULT_TOO_LARGE: 'RESULT_TOO_LARGE',
} as const;

/** One of {@link NumericsReason}. */
export type NumericsReason = (typeof NumericsReason)[keyof typeof NumericsReason];

/** INVALID_ARGUMENT for a kernel option; `field` is the option's path (`quantiles[2]`). */
export function invalidOption(reason: NumericsReason, field: string, message: string): AppError {
  return invalidField(reason, field, message);
}

/** RESOURCE_EXHAUSTED: the computation would allocate more than its budget. */
export function resultTooLarge(message: string): AppError {
  return new AppError(Code.RESOURCE_EXHAUSTED, NumericsReason.RESULT_TOO_LARGE, message);
}

/** Throws INVALID_PARAMETER unless `value` is a finite number within [min, max]. */
export function assertFiniteIn(value: number, min: number, max: number, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalidOption(
      NumericsReason.INVALID_PARAMETER,
      field,
      `${field} must be a finite number in [${min}, ${max}], got ${String(value)}`,
    );
  }
}

/** Throws INVALID_PARAMETER unless `value` is an integer within [min, max]. */
export function assertIntegerIn(value: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(
      NumericsReason.INVALID_PARAMETER,
      field,
      `${field} must be a whole number in [${min}, ${max}], got ${String(value)}`,
    );
  }
}
