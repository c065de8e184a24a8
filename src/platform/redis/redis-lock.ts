import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { acquireWithRetry, assertLeaseTtl, type FenceFloor, type Lease, type Lock } from '../lock/index.ts';
import { fromRedisError } from './from-redis-error.ts';
import { defineLuaScript } from './lua-script.ts';

/** Options of {@link createRedisLock}. */
export interface RedisLockOptions {
  /** A client from `createRedisClient`. Not closed by the lock. */
  client: Redis;
  /** Prepended to the keys: `<prefix>owner:<name>` holds the token, `<prefix>fence:<name>` the counter. Default `hcs:lock:`. */
  prefix?: string;
  /** Fencing numbers issued for a name exceed this. Default none. */
  fenceFloor?: FenceFloor;
}

/** {@link RedisLockOptions} with every default filled. */
export type ValidRedisLockOptions = Required<RedisLockOptions>;

/** Fills the defaults of {@link RedisLockOptions}. */
export function validateRedisLockOptions(options: RedisLockOptions): ValidRedisLockOptions {
  return {
    client: options.client,
    prefix: options.prefix ?? 'hcs:lock:',
    fenceFloor: options.fenceFloor ?? (() => 0),
  };
}

// Take the lock if free, then draw the next fencing number (raised above the floor if needed).
const ACQUIRE = defineLuaScript(`
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
local fence = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[3])
if fence <= floor then
  fence = floor + 1
  redis.call('SET', KEYS[2], fence)
end
return fence`);

// Compare-and-act in one script, so no other owner can slip in between the check and the change.
const RENEW = defineLuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`);

const RELEASE = defineLuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`);

/**
 * Creates a {@link Lock} in Redis, shared by every replica on it: SET NX PX takes the lock,
 * renewal and release compare the owner token and act in one Lua script, and the fencing counter
 * is an INCR on a key that never expires. This is a single-instance lock (not Redlock): it is
 * as safe as that one Redis, and fencing numbers are what protect a resource from an owner whose
 * lease expired unnoticed.
 */
export function createRedisLock(options: RedisLockOptions): Lock {
  const { client, prefix, fenceFloor } = validateRedisLockOptions(options);
  const ownerKey = (name: string) => `${prefix}owner:${name}`;
  const fenceKey = (name: string) => `${prefix}fence:${name}`;
  const fail = (error: unknown): never => {
    throw fromRedisError(error);
  };

  const tryAcquire = async (name: string, ttlMs: number): Promise<Lease | undefined> => {
    const token = randomUUID();
    const fence = Number(
      await ACQUIRE.run(client, [ownerKey(name), fenceKey(name)], [token, ttlMs, fenceFloor(name)]).catch(
        fail,
      ),
    );
    return fence > 0 ? { name, token, fence, ttlMs } : undefined;
  };

  return {
    acquire(name, acquireOptions) {
      assertLeaseTtl(acquireOptions.ttlMs);
      return acquireWithRetry(() => tryAcquire(name, acquireOptions.ttlMs), acquireOptions);
    },
    async renew(lease, renewOptions = {}) {
      const ttlMs = renewOptions.ttlMs ?? lease.ttlMs;
      assertLeaseTtl(ttlMs);
      return Number(await RENEW.run(client, [ownerKey(lease.name)], [lease.token, ttlMs]).catch(fail)) === 1;
    },
    async release(lease) {
      return Number(await RELEASE.run(client, [ownerKey(lease.name)], [lease.token]).catch(fail)) === 1;
    },
  };
}
