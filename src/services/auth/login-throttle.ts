import type { Cache } from '../../platform/cache/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import { createMemoryLock, type Lock } from '../../platform/lock/index.ts';
import {
  assertLoginAllowed,
  type LoginFailures,
  type LoginThrottleOptions,
  validateLoginThrottleOptions,
} from './rate-limit-policy.ts';
import { AuthReason } from './reasons.ts';

/** Options of {@link createLoginThrottle}. */
export interface LoginThrottleStoreOptions extends LoginThrottleOptions {
  /** Where the counters live: the shared state's cache, so replicas on Redis share them. */
  cache: Cache;
  /** Serialises attempts per username; the shared state's lock. Default: this process only. */
  lock?: Lock;
  /** Wall clock in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * Failed-login counters per username and per client address, and the check made before a
 * password is verified. The policy (free failures, doubling delay) is `rate-limit-policy.ts`.
 */
export interface LoginThrottle {
  /**
   * Runs one password check for `username` from `address`: refuses while either key must wait,
   * then counts the outcome `verify` resolves (true: the password was right). Attempts for one
   * username run one at a time (a lease of the shared lock), so a burst of concurrent guesses is
   * throttled exactly like a sequence; one that cannot get the lease in time is throttled too.
   */
  attempt(username: string, address: string, verify: () => Promise<boolean>): Promise<boolean>;
  /** Throws RESOURCE_EXHAUSTED `LOGIN_THROTTLED` with a retry delay while either key must wait. */
  assertAllowed(username: string, address: string): Promise<void>;
  recordFailure(username: string, address: string): Promise<void>;
  /** Forgets the username's failures; the address keeps its count (one good login must not clear a spray). */
  recordSuccess(username: string): Promise<void>;
}

/**
 * Creates the store. Each key has a count (an atomic cache increment) and the time of its last
 * failure; both expire twice the longest delay after the first failure of their window, so
 * an idle key is forgotten.
 */
export function createLoginThrottle(options: LoginThrottleStoreOptions): LoginThrottle {
  const { cache } = options;
  const lock = options.lock ?? createMemoryLock();
  const now = options.now ?? Date.now;
  const policy = validateLoginThrottleOptions(options);
  const ttlMs = Math.max(2 * policy.maxDelayMs, 60_000);
  const userKey = (username: string) => `login-failures:user:${username}`;
  const addressKey = (address: string) => `login-failures:address:${address}`;

  async function read(key: string): Promise<LoginFailures | undefined> {
    const [count, last] = await Promise.all([cache.get(`${key}:count`), cache.get(`${key}:last`)]);
    if (count === undefined || last === undefined) return undefined;
    return {
      count: Number(Buffer.from(count).toString()) || 0,
      lastFailureAt: Number(Buffer.from(last).toString()) || 0,
    };
  }

  async function record(key: string, at: number): Promise<void> {
    await cache.increment(`${key}:count`, { ttlMs });
    await cache.set(`${key}:last`, String(at), { ttlMs });
  }

  const throttle: LoginThrottle = {
    async attempt(username, address, verify) {
      const lease = await lock.acquire(`login:${username}`, { ttlMs: 30_000, waitMs: 5_000 });
      if (lease === undefined) {
        throw new AppError(
          Code.RESOURCE_EXHAUSTED,
          AuthReason.LOGIN_THROTTLED,
          'too many failed logins; retry later',
          {
            retryDelayMs: policy.baseDelayMs,
          },
        );
      }
      try {
        await throttle.assertAllowed(username, address);
        const ok = await verify();
        if (ok) await throttle.recordSuccess(username);
        else await throttle.recordFailure(username, address);
        return ok;
      } finally {
        await lock.release(lease).catch(() => undefined);
      }
    },
    async assertAllowed(username, address) {
      const [user, client] = await Promise.all([read(userKey(username)), read(addressKey(address))]);
      assertLoginAllowed({ username: user, address: client, now: now() }, policy);
    },
    async recordFailure(username, address) {
      const at = now();
      await Promise.all([record(userKey(username), at), record(addressKey(address), at)]);
    },
    async recordSuccess(username) {
      await Promise.all([
        cache.delete(`${userKey(username)}:count`),
        cache.delete(`${userKey(username)}:last`),
      ]);
    },
  };
  return throttle;
}
