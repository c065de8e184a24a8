import type { Redis } from 'ioredis';
import {
  assertIncrement,
  assertTtlMs,
  type Cache,
  type CacheSetOptions,
  type CacheValue,
  createGetOrCompute,
} from '../cache/index.ts';
import { fromRedisError } from './from-redis-error.ts';
import { defineLuaScript } from './lua-script.ts';

/** Options of {@link createRedisCache}. */
export interface RedisCacheOptions {
  /** A client from `createRedisClient`. Not closed by the cache. */
  client: Redis;
  /** Prepended to every key. Default `hcs:cache:`. */
  prefix?: string;
}

/** {@link RedisCacheOptions} with every default filled. */
export type ValidRedisCacheOptions = Required<RedisCacheOptions>;

/** Fills the defaults of {@link RedisCacheOptions}. */
export function validateRedisCacheOptions(options: RedisCacheOptions): ValidRedisCacheOptions {
  return { client: options.client, prefix: options.prefix ?? 'hcs:cache:' };
}

// INCRBY then, if the counter has no expiry yet, give it one: atomic, one round trip.
const INCREMENT = defineLuaScript(`
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value`);

/**
 * Creates a {@link Cache} in Redis. Values are stored as raw bytes (SET/GET on Buffers), so they
 * round-trip exactly; TTLs are Redis's own (PX). With the client's auto-pipelining, the commands
 * of concurrent callers share one write. Errors are translated by `fromRedisError`, so a direct
 * caller sees `REDIS_UNAVAILABLE` when Redis is away (the shared state's cache falls back instead).
 */
export function createRedisCache(options: RedisCacheOptions): Cache {
  const { client, prefix } = validateRedisCacheOptions(options);
  const keyOf = (key: string) => prefix + key;
  const fail = (error: unknown): never => {
    throw fromRedisError(error);
  };

  const get = async (key: string): Promise<Uint8Array | undefined> => {
    const value = await client.getBuffer(keyOf(key)).catch(fail);
    return value ?? undefined;
  };
  const set = async (key: string, value: CacheValue, setOptions: CacheSetOptions = {}): Promise<void> => {
    assertTtlMs(setOptions.ttlMs);
    // A copy, as the memory cache takes: with auto-pipelining the write happens on a later tick.
    const bytes = typeof value === 'string' ? value : Buffer.from(value);
    const done =
      setOptions.ttlMs === undefined
        ? client.set(keyOf(key), bytes)
        : client.set(keyOf(key), bytes, 'PX', setOptions.ttlMs);
    await done.catch(fail);
  };

  return {
    get,
    set,
    async delete(key) {
      return (await client.del(keyOf(key)).catch(fail)) > 0;
    },
    async increment(key, incrementOptions = {}) {
      const by = incrementOptions.by ?? 1;
      assertIncrement(by);
      assertTtlMs(incrementOptions.ttlMs);
      const value = await INCREMENT.run(client, [keyOf(key)], [by, incrementOptions.ttlMs ?? 0]).catch(fail);
      return Number(value);
    },
    getOrCompute: createGetOrCompute({ get, set }),
  };
}
