import type { Cache, CacheSetOptions } from './cache.ts';

/** A typed view of a {@link Cache} whose values are JSON. */
export interface JsonCache<T> {
  /** The value of `key`, or undefined when missing, expired or not valid JSON. */
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T, options?: CacheSetOptions): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** As {@link Cache.getOrCompute}: concurrent misses for one key compute once. */
  getOrCompute(key: string, compute: () => Promise<T>, options?: CacheSetOptions): Promise<T>;
}

/** Options of {@link createJsonCache}. */
export interface JsonCacheOptions {
  /** Prepended to every key with a `:`, so two views do not collide. Default none. */
  namespace?: string;
}

/**
 * A typed JSON view over a byte cache. Values go through `JSON.stringify`/`JSON.parse`, so what
 * comes back is what JSON keeps (a `Date` comes back as its ISO string). The type parameter is
 * the caller's promise, not checked at run time. An entry that is not valid JSON reads as a miss,
 * so a corrupt or foreign entry is recomputed instead of failing the caller.
 */
export function createJsonCache<T>(cache: Cache, options: JsonCacheOptions = {}): JsonCache<T> {
  const keyOf = (key: string) => (options.namespace === undefined ? key : `${options.namespace}:${key}`);
  const decode = (bytes: Uint8Array | undefined): T | undefined => {
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
    } catch {
      return undefined;
    }
  };
  const encode = (value: T): string => {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('value has no JSON representation');
    return text;
  };
  return {
    async get(key) {
      return decode(await cache.get(keyOf(key)));
    },
    set(key, value, setOptions) {
      return cache.set(keyOf(key), encode(value), setOptions);
    },
    delete(key) {
      return cache.delete(keyOf(key));
    },
    async getOrCompute(key, compute, setOptions) {
      const bytes = await cache.getOrCompute(keyOf(key), async () => encode(await compute()), setOptions);
      const value = decode(bytes);
      // Only a foreign non-JSON entry can get here; compute afresh and overwrite it.
      if (value === undefined) {
        const fresh = await compute();
        await cache.set(keyOf(key), encode(fresh), setOptions);
        return fresh;
      }
      return value;
    },
  };
}
