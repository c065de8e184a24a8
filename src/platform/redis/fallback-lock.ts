import type { FenceFloor, Lease, Lock } from '../lock/index.ts';
import type { BackendMonitor } from './backend-monitor.ts';
import { isRedisUnavailable } from './from-redis-error.ts';

/**
 * The highest fencing number this process has seen per lock name, on either backend. Both
 * backends issue numbers above it, so fences stay increasing in this process across a switch.
 * It grows with the number of distinct lock names, which hcs keeps small (devices, jobs).
 */
export interface FenceLedger {
  readonly floor: FenceFloor;
  record(lease: Lease): void;
}

/** Creates an empty {@link FenceLedger}. */
export function createFenceLedger(): FenceLedger {
  const highest = new Map<string, number>();
  return {
    floor: (name) => highest.get(name) ?? 0,
    record(lease) {
      if (lease.fence > (highest.get(lease.name) ?? 0)) highest.set(lease.name, lease.fence);
    },
  };
}

/** The parts of {@link createFallbackLock}; both locks must have been given `ledger.floor`. */
export interface FallbackLockParts {
  redis: Lock;
  memory: Lock;
  monitor: BackendMonitor;
  ledger: FenceLedger;
}

/**
 * A lock that takes leases in Redis while the monitor says so and in this process otherwise
 * (then it excludes only within this process). A lease is renewed and released where it was
 * taken (recognised by identity: pass back the lease object `acquire` returned, not a copy); a
 * Redis lease whose renewal or release cannot reach Redis reports `false`: treat it as lost (it
 * expires by its TTL).
 */
export function createFallbackLock({ redis, memory, monitor, ledger }: FallbackLockParts): Lock {
  const issuedBy = new WeakMap<Lease, Lock>();
  const onRedis = async <T>(call: () => Promise<T>, unavailable: T): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      monitor.reportFailure(error);
      return unavailable;
    }
  };
  const take = async (lock: Lock, name: string, options: Parameters<Lock['acquire']>[1]) => {
    const lease = await lock.acquire(name, options);
    if (lease !== undefined) {
      issuedBy.set(lease, lock);
      ledger.record(lease);
    }
    return lease;
  };

  return {
    async acquire(name, options) {
      const deadline = performance.now() + (options.waitMs ?? 0);
      const remaining = () => ({ ...options, waitMs: Math.max(0, deadline - performance.now()) });
      return monitor.route(
        () => take(redis, name, options),
        () => take(memory, name, remaining()),
      );
    },
    renew(lease, options) {
      const lock = issuedBy.get(lease) ?? (monitor.status().backend === 'redis' ? redis : memory);
      return lock === redis
        ? onRedis(() => redis.renew(lease, options), false)
        : memory.renew(lease, options);
    },
    release(lease) {
      const lock = issuedBy.get(lease) ?? (monitor.status().backend === 'redis' ? redis : memory);
      return lock === redis ? onRedis(() => redis.release(lease), false) : memory.release(lease);
    },
  };
}
