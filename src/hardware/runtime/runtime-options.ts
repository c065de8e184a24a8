/**
 * The runtime's options, their defaults, and their validation (done once, at creation).
 */
import type { Adapter } from '../adapter.ts';
import { HardwareError, HardwareErrorKind } from '../hardware-error.ts';

/** Options of {@link createHardwareRuntime}; every policy of every adapter lives here. */
export interface HardwareRuntimeOptions {
  /** The adapters to run, each with a unique `name`. */
  readonly adapters: readonly Adapter[];
  /** Operations allowed to wait behind the running one, per device. Default 32. */
  readonly queueDepth?: number;
  /** Time one attempt of an operation may take once it runs (queue wait excluded). Default 2000 ms. */
  readonly timeoutMs?: number;
  /** Extra attempts for a read that failed with TIMEOUT or IO_ERROR. Writes are never retried. Default 2. */
  readonly readRetries?: number;
  /** Pause before the first read retry, doubled for each next one. Default 25 ms. */
  readonly retryDelayMs?: number;
  /** Consecutive TIMEOUT / IO_ERROR / DEVICE_ABSENT failures that mark a device DOWN. Default 3. */
  readonly failureThreshold?: number;
  /** How often a DOWN device is probed (open, then `probe()` when it has one). Default 5000 ms. */
  readonly probeIntervalMs?: number;
  /** How often adapters without OS hot-plug events are re-enumerated to detect attach/detach. Default 2000 ms. */
  readonly rediscoverIntervalMs?: number;
  /**
   * After a timeout, how long to wait for the adapter to give the operation up before the
   * connection is closed (which rejects any read in flight) so the device's queue moves on. Default 250 ms.
   */
  readonly abandonGraceMs?: number;
}

/** The options with every default filled. */
export type ResolvedRuntimeOptions = Required<HardwareRuntimeOptions>;

const INTEGER_LIMITS = {
  queueDepth: [0, 100_000, 32],
  timeoutMs: [1, 3_600_000, 2000],
  readRetries: [0, 10, 2],
  retryDelayMs: [0, 60_000, 25],
  failureThreshold: [1, 1000, 3],
  probeIntervalMs: [10, 3_600_000, 5000],
  rediscoverIntervalMs: [10, 3_600_000, 2000],
  abandonGraceMs: [0, 60_000, 250],
} as const satisfies Record<string, readonly [number, number, number]>;

/** Fills defaults and refuses out-of-range values and duplicate adapter names (INVALID_REQUEST). */
export function validateRuntimeOptions(options: HardwareRuntimeOptions): ResolvedRuntimeOptions {
  const names = new Set<string>();
  for (const adapter of options.adapters) {
    if (names.has(adapter.name)) {
      throw new HardwareError(
        HardwareErrorKind.INVALID_REQUEST,
        `adapter name "${adapter.name}" is used twice`,
      );
    }
    names.add(adapter.name);
  }
  const resolved: Record<string, unknown> = { adapters: [...options.adapters] };
  for (const [field, [min, max, fallback]] of Object.entries(INTEGER_LIMITS)) {
    const value = (options as unknown as Record<string, unknown>)[field] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new HardwareError(
        HardwareErrorKind.INVALID_REQUEST,
        `${field} must be an integer from ${min} to ${max}, got ${String(value)}`,
      );
    }
    resolved[field] = value;
  }
  return resolved as unknown as ResolvedRuntimeOptions;
}
