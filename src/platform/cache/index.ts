export {
  assertIncrement,
  assertTtlMs,
  type Cache,
  type CacheSetOptions,
  type CacheValue,
  type ComputeValue,
  cacheValueToBytes,
  type IncrementOptions,
} from './cache.ts';
export { createJsonCache, type JsonCache, type JsonCacheOptions } from './json-cache.ts';
export {
  createMemoryCache,
  type MemoryCache,
  type MemoryCacheOptions,
  type ValidMemoryCacheOptions,
  validateMemoryCacheOptions,
} from './memory-cache.ts';
export {
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitResult,
  type ValidRateLimiterOptions,
  validateRateLimiterOptions,
} from './rate-limiter.ts';
export { CacheReason, cacheValueNotIntegerError } from './reasons.ts';
export {
  createGetOrCompute,
  createSingleFlight,
  type GetOrCompute,
  type SingleFlight,
} from './single-flight.ts';
