import { type Cache, type CacheSetOptions, type ComputeValue, cacheValueToBytes } from './cache.ts';

/** Runs at most one call per key at a time; later callers for that key share its result. */
export interface SingleFlight<T> {
  /** The pending call for `key` if there is one, else a new call of `fn`. */
  run(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Creates a {@link SingleFlight}. A key is forgotten as soon as its call settles. */
export function createSingleFlight<T>(): SingleFlight<T> {
  const pending = new Map<string, Promise<T>>();
  return {
    run(key, fn) {
      const existing = pending.get(key);
      if (existing !== undefined) return existing;
      const call = (async () => {
        try {
          return await fn();
        } finally {
          pending.delete(key);
        }
      })();
      pending.set(key, call);
      return call;
    },
  };
}

/** The `getOrCompute` of a cache built from its `get` and `set`. */
export type GetOrCompute = Cache['getOrCompute'];

/**
 * Builds {@link Cache.getOrCompute} on top of a cache's `get` and `set`, with single-flight per
 * key in this process. For cache implementations; callers use `cache.getOrCompute`.
 */
export function createGetOrCompute(cache: Pick<Cache, 'get' | 'set'>): GetOrCompute {
  const flights = createSingleFlight<Uint8Array>();
  return function getOrCompute(
    key: string,
    compute: ComputeValue,
    options?: CacheSetOptions,
  ): Promise<Uint8Array> {
    const shared = flights.run(key, async () => {
      const cached = await cache.get(key);
      if (cached !== undefined) return cached;
      const value = await compute();
      await cache.set(key, value, options);
      return cacheValueToBytes(value);
    });
    // Every caller gets its own copy, as from `get`.
    return shared.then((bytes) => Buffer.from(bytes));
  };
}
