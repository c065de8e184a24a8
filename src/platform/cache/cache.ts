/**
 * What a cache stores. A string is stored as its UTF-8 bytes, so reading it back gives those
 * bytes; every value is read back as a `Uint8Array` whatever it was written as. For structured
 * values use {@link createJsonCache}.
 */
export type CacheValue = Uint8Array | string;

/** Options of {@link Cache.set}. */
export interface CacheSetOptions {
  /** Time to live in whole milliseconds (> 0). Default: no expiry (a memory cache may still evict it). */
  ttlMs?: number;
}

/** Options of {@link Cache.increment}. */
export interface IncrementOptions {
  /** The integer added (may be negative). Default 1. */
  by?: number;
  /**
   * Expiry given to a counter that has none yet, typically because this call creates it; a
   * counter that already expires keeps its expiry (a fixed window). Default: no expiry.
   */
  ttlMs?: number;
}

/** The function {@link Cache.getOrCompute} calls on a miss. */
export type ComputeValue = () => Promise<CacheValue>;

/**
 * A shared byte cache: in process memory ({@link createMemoryCache}) or in Redis (the Redis
 * implementation lives in `platform/redis`). Both keep the same contract, proved by one
 * contract test suite:
 *
 * - keys are any strings; values round-trip byte for byte;
 * - an entry past its TTL is never returned;
 * - `getOrCompute` runs `compute` once for concurrent misses of one key in this process
 *   (single-flight); replicas sharing Redis may each compute once;
 * - a returned `Uint8Array` is the caller's own copy: mutating it does not change the cache.
 *
 * Errors are `AppError`s: `FAILED_PRECONDITION`/`CACHE_VALUE_NOT_INTEGER` from `increment` on a
 * non-integer value; a Redis cache used directly may also throw `UNAVAILABLE`/`REDIS_UNAVAILABLE`
 * (the shared state's cache never does: it falls back to memory instead).
 */
export interface Cache {
  /** The value of `key`, or undefined when it is missing or expired. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `value` under `key`, replacing any value and any expiry it had. */
  set(key: string, value: CacheValue, options?: CacheSetOptions): Promise<void>;
  /** Removes `key`; resolves whether it existed. */
  delete(key: string): Promise<boolean>;
  /**
   * Adds `by` to the integer stored under `key` (a missing key counts as 0) and resolves the
   * new value. Counters are stored as decimal text, so `get` reads them back as such.
   */
  increment(key: string, options?: IncrementOptions): Promise<number>;
  /**
   * The cached value of `key`, or, on a miss, the result of `compute`, stored with `ttlMs`.
   * Concurrent misses for one key share one `compute` call; if it rejects, they all reject
   * and nothing is stored.
   */
  getOrCompute(key: string, compute: ComputeValue, options?: CacheSetOptions): Promise<Uint8Array>;
}

/** The bytes a value is stored as: a copy of a byte array, or the UTF-8 encoding of a string. */
export function cacheValueToBytes(value: CacheValue): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
}

/** Throws a RangeError unless `ttlMs` is undefined or a whole number of milliseconds above 0. */
export function assertTtlMs(ttlMs: number | undefined): void {
  // A programmer's mistake, not a client's: a plain error, which the transports report as INTERNAL.
  if (ttlMs !== undefined && !(Number.isSafeInteger(ttlMs) && ttlMs > 0)) {
    throw new RangeError(`ttlMs must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
}

/** Throws a RangeError unless `by` is a safe integer. */
export function assertIncrement(by: number): void {
  if (!Number.isSafeInteger(by)) throw new RangeError(`increment must be a safe integer, got ${by}`);
}
