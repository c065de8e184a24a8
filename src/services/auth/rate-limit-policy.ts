import { AppError, Code } from '../../platform/errors/index.ts';
import { AuthReason } from './reasons.ts';

/** Options of the login throttling policy. */
export interface LoginThrottleOptions {
  /** Failures per username before any delay. Default 5. */
  freeFailuresPerUsername?: number;
  /** Failures per client address before any delay; higher because many users may share one NAT. Default 20. */
  freeFailuresPerAddress?: number;
  /** Delay after the first failure past the free ones; each further failure doubles it. Default 1 s. */
  baseDelayMs?: number;
  /** Longest delay. Default 15 minutes. */
  maxDelayMs?: number;
}

/** {@link LoginThrottleOptions} with every default filled. */
export type ValidLoginThrottleOptions = Required<LoginThrottleOptions>;

/** The failed logins counted for one key (a username or a client address). */
export interface LoginFailures {
  /** Consecutive failures (reset on a successful login). */
  count: number;
  /** When the last one happened, wall clock in milliseconds. */
  lastFailureAt: number;
}

/** What the policy decides on: the counters of both keys of one login attempt. */
export interface LoginAttempt {
  /** Failures for the submitted username, whether or not such a user exists. */
  username?: LoginFailures;
  /** Failures from the client's address. */
  address?: LoginFailures;
  /** Wall clock in milliseconds. */
  now: number;
}

/** Fills the defaults of {@link LoginThrottleOptions}; throws RangeError on a negative or fractional value. */
export function validateLoginThrottleOptions(options: LoginThrottleOptions = {}): ValidLoginThrottleOptions {
  const valid = {
    freeFailuresPerUsername: options.freeFailuresPerUsername ?? 5,
    freeFailuresPerAddress: options.freeFailuresPerAddress ?? 20,
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 15 * 60_000,
  };
  for (const [name, value] of Object.entries(valid)) {
    if (!(Number.isSafeInteger(value) && value >= 0)) {
      throw new RangeError(`login throttle ${name} must be a non-negative integer, got ${value}`);
    }
  }
  if (valid.maxDelayMs < valid.baseDelayMs) {
    throw new RangeError('login throttle maxDelayMs must not be below baseDelayMs');
  }
  return valid;
}

/** The delay one key has earned: 0 for the free failures, then base × 2^(extra failures − 1), capped. */
export function loginDelayMs(failures: number, free: number, options: ValidLoginThrottleOptions): number {
  const extra = failures - free;
  if (extra <= 0) return 0;
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(extra - 1, 52));
}

/**
 * How long, from `attempt.now`, before this login may be tried; 0 when it may be tried now.
 * The larger wait of the username and the address wins, each counted from its last failure.
 */
export function loginRetryDelayMs(attempt: LoginAttempt, options: ValidLoginThrottleOptions): number {
  const remaining = (failures: LoginFailures | undefined, free: number) =>
    failures === undefined
      ? 0
      : Math.max(0, failures.lastFailureAt + loginDelayMs(failures.count, free, options) - attempt.now);
  return Math.ceil(
    Math.max(
      remaining(attempt.username, options.freeFailuresPerUsername),
      remaining(attempt.address, options.freeFailuresPerAddress),
    ),
  );
}

/**
 * Throws RESOURCE_EXHAUSTED `LOGIN_THROTTLED` with `retryDelayMs` unless the login may be tried
 * now. Call it before checking the password, so a throttled attempt costs no hashing. The
 * message is the same whether the username exists, so it tells an attacker nothing.
 */
export function assertLoginAllowed(attempt: LoginAttempt, options: ValidLoginThrottleOptions): void {
  const retryDelayMs = loginRetryDelayMs(attempt, options);
  if (retryDelayMs > 0) {
    throw new AppError(
      Code.RESOURCE_EXHAUSTED,
      AuthReason.LOGIN_THROTTLED,
      'too many failed logins; retry later',
      { retryDelayMs },
    );
  }
}
