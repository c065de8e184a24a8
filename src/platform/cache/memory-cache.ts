import {
  assertIncrement,
  assertTtlMs,
  type Cache,
  type CacheSetOptions,
  type CacheValue,
  cacheValueToBytes,
  type IncrementOptions,
} from './cache.ts';
import { createLruStore } from './lru-store.ts';
import { cacheValueNotIntegerError } from './reasons.ts';
import { createGetOrCompute } from './single-flight.ts';

/** Options of {@link createMemoryCache}. */
export interface MemoryCacheOptions {
  /** Most entries kept; the least recently used go first. Default 10 000. */
  maxEntries?: number;
  /** Most bytes kept (keys as UTF-8 plus values); the least recently used go first. Default 64 MiB. */
  maxBytes?: number;
  /** Monotonic clock in milliseconds, for tests. Default `performance.now`. */
  now?: () => number;
}

/** {@link MemoryCacheOptions} with every default filled. */
export type ValidMemoryCacheOptions = Required<MemoryCacheOptions>;

/** Fills the defaults of {@link MemoryCacheOptions} and rejects bounds that are not positive integers. */
export function validateMemoryCacheOptions(options: MemoryCacheOptions = {}): ValidMemoryCacheOptions {
  const valid = {
    maxEntries: options.maxEntries ?? 10_000,
    maxBytes: options.maxBytes ?? 64 * 1024 * 1024,
    now: options.now ?? (() => performance.now()),
  };
  for (const name of ['maxEntries', 'maxBytes'] as const) {
    if (!(Number.isSafeInteger(valid[name]) && valid[name] > 0)) {
      throw new RangeError(`memory cache ${name} must be a positive integer, got ${valid[name]}`);
    }
  }
  return valid;
}

/** A {@link Cache} in this process's memory, with its current size for metrics and tests. */
export interface MemoryCache extends Cache {
  /** Entries held, counting expired ones not yet dropped. */
  readonly size: number;
  /** Bytes held (keys as UTF-8 plus values). */
  readonly bytes: number;
}

const INTEGER = /^-?\d{1,19}$/;

/**
 * Creates a cache in this process's memory, bounded by entries and bytes with LRU eviction.
 * A value larger than `maxBytes` on its own is not kept (a later `get` misses), rather than
 * emptying the whole cache for it. Values are copied in and out, as they would be over a socket.
 */
export function createMemoryCache(options: MemoryCacheOptions = {}): MemoryCache {
  const { maxEntries, maxBytes, now } = validateMemoryCacheOptions(options);
  const store = createLruStore({ maxEntries, maxBytes, now });
  const expiryOf = (ttlMs: number | undefined) => (ttlMs === undefined ? Infinity : now() + ttlMs);

  const get = async (key: string): Promise<Uint8Array | undefined> => {
    const entry = store.get(key);
    return entry === undefined ? undefined : Buffer.from(entry.value);
  };
  const set = async (key: string, value: CacheValue, setOptions: CacheSetOptions = {}): Promise<void> => {
    assertTtlMs(setOptions.ttlMs);
    store.set(key, { value: cacheValueToBytes(value), expiresAt: expiryOf(setOptions.ttlMs) });
  };

  return {
    get,
    set,
    async delete(key) {
      return store.delete(key);
    },
    async increment(key, incrementOptions: IncrementOptions = {}) {
      const by = incrementOptions.by ?? 1;
      assertIncrement(by);
      assertTtlMs(incrementOptions.ttlMs);
      const entry = store.get(key);
      let current = 0;
      if (entry !== undefined) {
        const text = Buffer.from(entry.value).toString('utf8');
        if (!INTEGER.test(text)) throw cacheValueNotIntegerError();
        current = Number(text);
      }
      const next = current + by;
      const expiresAt =
        entry !== undefined && entry.expiresAt !== Infinity
          ? entry.expiresAt
          : expiryOf(incrementOptions.ttlMs);
      store.set(key, { value: Buffer.from(String(next), 'utf8'), expiresAt });
      return next;
    },
    getOrCompute: createGetOrCompute({ get, set }),
    get size() {
      return store.size;
    },
    get bytes() {
      return store.bytes;
    },
  };
}
