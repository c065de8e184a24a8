import { type Cache, createGetOrCompute } from '../cache/index.ts';
import type { BackendMonitor } from './backend-monitor.ts';

/** The parts of {@link createFallbackCache}. */
export interface FallbackCacheParts {
  redis: Cache;
  memory: Cache;
  monitor: BackendMonitor;
}

/**
 * A cache that uses Redis while the monitor says so and memory otherwise, retrying a call on
 * memory when Redis turns out to be unavailable. Entries written to one backend are not copied
 * to the other: after a switch, entries may be missing (or, back on Redis, stale ones from before
 * the fallback may reappear until their TTL ends).
 */
export function createFallbackCache({ redis, memory, monitor }: FallbackCacheParts): Cache {
  const get: Cache['get'] = (key) =>
    monitor.route(
      () => redis.get(key),
      () => memory.get(key),
    );
  const set: Cache['set'] = (key, value, options) =>
    monitor.route(
      () => redis.set(key, value, options),
      () => memory.set(key, value, options),
    );
  return {
    get,
    set,
    delete: (key) =>
      monitor.route(
        () => redis.delete(key),
        () => memory.delete(key),
      ),
    increment: (key, options) =>
      monitor.route(
        () => redis.increment(key, options),
        () => memory.increment(key, options),
      ),
    // Single-flight here, above both backends, so a switch in mid-compute cannot compute twice.
    getOrCompute: createGetOrCompute({ get, set }),
  };
}
