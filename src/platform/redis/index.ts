export {
  type Backend,
  type BackendMonitor,
  type BackendMonitorOptions,
  type BackendStatus,
  createBackendMonitor,
  type StatusListener,
} from './backend-monitor.ts';
export { createFallbackBus, type FallbackBusParts } from './fallback-bus.ts';
export { createFallbackCache, type FallbackCacheParts } from './fallback-cache.ts';
export {
  createFallbackLock,
  createFenceLedger,
  type FallbackLockParts,
  type FenceLedger,
} from './fallback-lock.ts';
export { formatBackendStatus } from './format-status.ts';
export { fromRedisError, isRedisUnavailable, RedisReason, wasNotApplied } from './from-redis-error.ts';
export {
  createRedisBus,
  type RedisBus,
  type RedisBusOptions,
  type ValidRedisBusOptions,
  validateRedisBusOptions,
} from './redis-bus.ts';
export {
  createRedisCache,
  type RedisCacheOptions,
  type ValidRedisCacheOptions,
  validateRedisCacheOptions,
} from './redis-cache.ts';
export {
  closeRedisClient,
  createRedisClient,
  type RedisClientOptions,
  type ValidRedisClientOptions,
  validateRedisClientOptions,
} from './redis-client.ts';
export {
  createRedisLock,
  type RedisLockOptions,
  type ValidRedisLockOptions,
  validateRedisLockOptions,
} from './redis-lock.ts';
export {
  createSharedState,
  type SharedState,
  type SharedStateOptions,
  type SharedStateRedisOptions,
  type ValidSharedStateOptions,
  validateSharedStateOptions,
} from './shared-state.ts';
