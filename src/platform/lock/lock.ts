/**
 * A held lock: proof that its owner may act on `name` until the lease expires. Plain data, so it
 * can be logged or passed around; `token` is the owner's secret and must not leave the process.
 */
export interface Lease {
  /** The lock's name. */
  readonly name: string;
  /** Random owner token: only a caller presenting it may renew or release. */
  readonly token: string;
  /**
   * Fencing number: strictly greater than that of every earlier lease of this name (from this
   * lock service), so a resource can reject a write carrying a smaller number from an owner
   * whose lease has silently expired.
   */
  readonly fence: number;
  /** The time to live it was acquired with; renewal uses it by default. */
  readonly ttlMs: number;
}

/** Options of {@link Lock.acquire}. */
export interface AcquireOptions {
  /** How long the lease lasts unless renewed, in whole milliseconds (> 0). */
  ttlMs: number;
  /** How long to keep trying while another owner holds it. Default 0: try once. */
  waitMs?: number;
  /** Pause between tries while waiting (jittered ±50 %). Default 25 ms. */
  retryDelayMs?: number;
  /** Stops waiting early; the call then resolves undefined. */
  signal?: AbortSignal;
}

/** Options of {@link Lock.renew}. */
export interface RenewOptions {
  /** The new time to live from now. Default the lease's own `ttlMs`. */
  ttlMs?: number;
}

/**
 * Named leases with an owner token, a time to live and a fencing number: in process memory
 * ({@link createMemoryLock}) or in Redis (in `platform/redis`), with one contract suite for both.
 *
 * - At most one unexpired lease per name exists at a time.
 * - A lease ends at its TTL unless renewed first; a crashed owner never blocks others for longer.
 * - Only the owner (the token) renews or releases; anyone else gets `false`.
 * - Fencing numbers of one name strictly increase.
 *
 * Expiry is measured by the backend's clock, so keep work under a lease well inside its TTL
 * and pass the fence to whatever the work writes to.
 */
export interface Lock {
  /** A lease on `name`, or undefined if another owner still held it when waiting ended. */
  acquire(name: string, options: AcquireOptions): Promise<Lease | undefined>;
  /** Extends the lease; false when it has expired or is no longer this owner's. */
  renew(lease: Lease, options?: RenewOptions): Promise<boolean>;
  /** Ends the lease now; false when it had expired or was not this owner's (nothing changes then). */
  release(lease: Lease): Promise<boolean>;
}

/** The fencing number a backend must exceed for a name, e.g. the highest seen on another backend. */
export type FenceFloor = (name: string) => number;

/** Whether a value has the shape of a {@link Lease}. */
export function isLease(value: unknown): value is Lease {
  if (typeof value !== 'object' || value === null) return false;
  const lease = value as Record<string, unknown>;
  return (
    typeof lease.name === 'string' &&
    typeof lease.token === 'string' &&
    typeof lease.fence === 'number' &&
    typeof lease.ttlMs === 'number'
  );
}

/** Throws a RangeError unless `ttlMs` is a whole number of milliseconds above 0. */
export function assertLeaseTtl(ttlMs: number): void {
  if (!(Number.isSafeInteger(ttlMs) && ttlMs > 0)) {
    throw new RangeError(`lease ttlMs must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
}
