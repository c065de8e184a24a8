import { AppError, Code } from '../errors/index.ts';

/** Reasons raised by the cache, whichever backend holds it. */
export const CacheReason = {
  /** `increment` was called on a key whose value is not a decimal integer. */
  CACHE_VALUE_NOT_INTEGER: 'CACHE_VALUE_NOT_INTEGER',
} as const;

/** The error both cache backends raise when `increment` meets a value that is not an integer. */
export function cacheValueNotIntegerError(cause?: unknown): AppError {
  return new AppError(
    Code.FAILED_PRECONDITION,
    CacheReason.CACHE_VALUE_NOT_INTEGER,
    'the cached value is not an integer, so it cannot be incremented',
    { cause },
  );
}
