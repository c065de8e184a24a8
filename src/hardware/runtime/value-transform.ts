/**
 * Value transforms applied to every decoded reading (EdgeX's scale/offset/range checks):
 * `value = raw × scale + offset`, then NaN/Infinity and range checks.
 */
import { HardwareError, HardwareErrorKind } from '../hardware-error.ts';

/** How a raw number becomes a reading. Every field is optional. */
export interface ValueTransform {
  /** Multiplier applied first. Default 1. */
  readonly scale?: number;
  /** Added after scaling. Default 0. */
  readonly offset?: number;
  /** Smallest valid reading, inclusive; below it the reading is OUT_OF_RANGE. */
  readonly min?: number;
  /** Largest valid reading, inclusive; above it the reading is OUT_OF_RANGE. */
  readonly max?: number;
}

/**
 * Applies `transform` to `raw`. Throws INVALID_VALUE for a non-finite raw or result (a NaN is
 * never passed on as a reading) and OUT_OF_RANGE outside [min, max].
 */
export function applyValueTransform(raw: number, transform: ValueTransform = {}, what = 'reading'): number {
  if (!Number.isFinite(raw)) {
    throw new HardwareError(HardwareErrorKind.INVALID_VALUE, `${what} is not a finite number (${raw})`);
  }
  const value = raw * (transform.scale ?? 1) + (transform.offset ?? 0);
  if (!Number.isFinite(value)) {
    throw new HardwareError(HardwareErrorKind.INVALID_VALUE, `${what} overflows after scale/offset (${raw})`);
  }
  if (transform.min !== undefined && value < transform.min) {
    throw new HardwareError(
      HardwareErrorKind.OUT_OF_RANGE,
      `${what} ${value} is below the minimum ${transform.min}`,
    );
  }
  if (transform.max !== undefined && value > transform.max) {
    throw new HardwareError(
      HardwareErrorKind.OUT_OF_RANGE,
      `${what} ${value} is above the maximum ${transform.max}`,
    );
  }
  return value;
}

/** Checks a transform given as options: finite numbers, non-zero scale, min ≤ max. Throws INVALID_REQUEST. */
export function validateValueTransform(transform: ValueTransform = {}): ValueTransform {
  for (const field of ['scale', 'offset', 'min', 'max'] as const) {
    const value = transform[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new HardwareError(
        HardwareErrorKind.INVALID_REQUEST,
        `transform.${field} must be a finite number`,
      );
    }
  }
  if (transform.scale === 0) {
    throw new HardwareError(HardwareErrorKind.INVALID_REQUEST, 'transform.scale must not be 0');
  }
  if (transform.min !== undefined && transform.max !== undefined && transform.min > transform.max) {
    throw new HardwareError(HardwareErrorKind.INVALID_REQUEST, 'transform.min must not exceed transform.max');
  }
  return { ...transform };
}
