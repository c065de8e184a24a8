import { randomUUID } from 'node:crypto';
import { acquireWithRetry } from './acquire-with-retry.ts';
import { assertLeaseTtl, type FenceFloor, type Lease, type Lock } from './lock.ts';

/** Options of {@link createMemoryLock}. */
export interface MemoryLockOptions {
  /** Fencing numbers issued for a name exceed this. Default none (numbers start at 1). */
  fenceFloor?: FenceFloor;
  /** Monotonic clock in milliseconds, for tests. Default `performance.now`. */
  now?: () => number;
}

/** {@link MemoryLockOptions} with every default filled. */
export type ValidMemoryLockOptions = Required<MemoryLockOptions>;

/** Fills the defaults of {@link MemoryLockOptions}. */
export function validateMemoryLockOptions(options: MemoryLockOptions = {}): ValidMemoryLockOptions {
  return { fenceFloor: options.fenceFloor ?? (() => 0), now: options.now ?? (() => performance.now()) };
}

// Sweeping expired holders only past this many keeps the common path O(1).
const SWEEP_ABOVE = 1024;

/**
 * Creates a lock service for this process only, with the semantics of the Redis one. It excludes
 * nothing across processes: two replicas falling back to it can each hold "the same" lock.
 * Fencing counters are kept per name for the life of the process, like the Redis fence keys.
 */
export function createMemoryLock(options: MemoryLockOptions = {}): Lock {
  const { fenceFloor, now } = validateMemoryLockOptions(options);
  const holders = new Map<string, { token: string; expiresAt: number }>();
  const fences = new Map<string, number>();

  const holds = (lease: Lease) => {
    const holder = holders.get(lease.name);
    return holder !== undefined && holder.token === lease.token && holder.expiresAt > now();
  };
  const sweep = () => {
    const at = now();
    for (const [name, holder] of holders) if (holder.expiresAt <= at) holders.delete(name);
  };
  const tryAcquire = (name: string, ttlMs: number): Lease | undefined => {
    const holder = holders.get(name);
    if (holder !== undefined && holder.expiresAt > now()) return undefined;
    if (holders.size > SWEEP_ABOVE) sweep();
    const fence = Math.max(fences.get(name) ?? 0, fenceFloor(name)) + 1;
    fences.set(name, fence);
    const token = randomUUID();
    holders.set(name, { token, expiresAt: now() + ttlMs });
    return { name, token, fence, ttlMs };
  };

  return {
    acquire(name, acquireOptions) {
      assertLeaseTtl(acquireOptions.ttlMs);
      return acquireWithRetry(async () => tryAcquire(name, acquireOptions.ttlMs), acquireOptions);
    },
    async renew(lease, renewOptions = {}) {
      const ttlMs = renewOptions.ttlMs ?? lease.ttlMs;
      assertLeaseTtl(ttlMs);
      if (!holds(lease)) return false;
      holders.set(lease.name, { token: lease.token, expiresAt: now() + ttlMs });
      return true;
    },
    async release(lease) {
      if (!holds(lease)) return false;
      holders.delete(lease.name);
      return true;
    },
  };
}
