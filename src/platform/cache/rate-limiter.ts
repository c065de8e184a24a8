import type { Cache } from './cache.ts';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** The counters' home: the shared state's cache, so replicas sharing Redis share limits. */
  cache: Cache;
  /** Names this limiter's counters (`login`), so two limiters never share them. */
  name: string;
  /** Units allowed per window (> 0). */
  limit: number;
  /** Window length in milliseconds (> 0). */
  windowMs: number;
  /** Wall clock in milliseconds, shared by replicas. Default `Date.now`. */
  now?: () => number;
}

/** The outcome of {@link RateLimiter.consume}. */
export interface RateLimitResult {
  /** Whether the units were granted (and counted). */
  allowed: boolean;
  /** Units still available right now after this call. */
  remaining: number;
  /** 0 when allowed; otherwise how long to wait until the same request would be allowed, absent other traffic. */
  retryAfterMs: number;
}

/** A sliding-window rate limiter. */
export interface RateLimiter {
  /** Takes `cost` units (default 1, at most `limit`) for `key`, or refuses and counts nothing. */
  consume(key: string, cost?: number): Promise<RateLimitResult>;
  /** Forgets the counts of `key` (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

/** {@link RateLimiterOptions} with every default filled. */
export type ValidRateLimiterOptions = Required<RateLimiterOptions>;

/** Fills the defaults of {@link RateLimiterOptions} and rejects a limit or window that is not a positive integer. */
export function validateRateLimiterOptions(options: RateLimiterOptions): ValidRateLimiterOptions {
  for (const name of ['limit', 'windowMs'] as const) {
    if (!(Number.isSafeInteger(options[name]) && options[name] > 0)) {
      throw new RangeError(`rate limiter ${name} must be a positive integer, got ${options[name]}`);
    }
  }
  if (options.name === '') throw new RangeError('rate limiter name must not be empty');
  return { ...options, now: options.now ?? Date.now };
}

/**
 * Creates a sliding-window limiter over two fixed-window counters in the cache (the previous
 * window's count weighted by how much of it still overlaps the sliding window, plus the current
 * one). Two counters per key and one round trip per call, instead of a log of timestamps; the
 * estimate assumes the previous window's requests were spread evenly. A refused call gives its
 * units back, so hammering while refused does not push the retry time further out.
 *
 * Counts live in the cache, so they are shared by replicas on Redis and start again from zero
 * when the shared state switches backend.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { cache, name, limit, windowMs, now } = validateRateLimiterOptions(options);
  const keyOf = (key: string, window: number) => `ratelimit:${name}:${window}:${key}`;

  return {
    async consume(key, cost = 1) {
      if (!(Number.isSafeInteger(cost) && cost > 0 && cost <= limit)) {
        throw new RangeError(`rate limit cost must be an integer in 1..${limit}, got ${cost}`);
      }
      const at = now();
      const window = Math.floor(at / windowMs);
      const elapsed = (at - window * windowMs) / windowMs;
      const currentKey = keyOf(key, window);
      // The current counter must outlive its window by one more, when it is the previous one.
      const [previousBytes, current] = await Promise.all([
        cache.get(keyOf(key, window - 1)),
        cache.increment(currentKey, { by: cost, ttlMs: 2 * windowMs }),
      ]);
      const previous = previousBytes === undefined ? 0 : Number(Buffer.from(previousBytes).toString()) || 0;
      const carried = previous * (1 - elapsed);
      if (carried + current <= limit) {
        return { allowed: true, remaining: Math.floor(limit - carried - current), retryAfterMs: 0 };
      }
      await cache.increment(currentKey, { by: -cost });
      const before = current - cost;
      return {
        allowed: false,
        remaining: Math.max(0, Math.floor(limit - carried - before)),
        retryAfterMs: retryAfter({ previous, current: before, elapsed, cost, limit, windowMs }),
      };
    },
    async reset(key) {
      const window = Math.floor(now() / windowMs);
      await Promise.all([cache.delete(keyOf(key, window)), cache.delete(keyOf(key, window - 1))]);
    },
  };
}

/** The smallest wait after which `cost` more units fit, if nobody else consumes meanwhile. */
function retryAfter(at: {
  previous: number;
  current: number;
  elapsed: number;
  cost: number;
  limit: number;
  windowMs: number;
}): number {
  const { previous, current, elapsed, cost, limit, windowMs } = at;
  let fraction: number; // how far from now, in windows
  const room = limit - cost - current;
  if (room >= 0 && previous > 0 && 1 - room / previous < 1) {
    // Fits later in this window, once enough of the previous window has slid out.
    fraction = Math.max(0, 1 - room / previous - elapsed);
  } else {
    // Next window: this window's count becomes the one sliding out.
    const intoNext = current <= limit - cost ? 0 : 1 - (limit - cost) / current;
    fraction = 1 - elapsed + intoNext;
  }
  // +1 ms so that rounding never makes the advertised moment fall just short.
  return Math.ceil(fraction * windowMs) + 1;
}
