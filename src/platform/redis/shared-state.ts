import type { Bus } from '../bus/index.ts';
import { createMemoryBus } from '../bus/index.ts';
import {
  type Cache,
  createMemoryCache,
  createRateLimiter,
  type MemoryCacheOptions,
  type RateLimiter,
  type RateLimiterOptions,
} from '../cache/index.ts';
import { createMemoryLock, type Lock } from '../lock/index.ts';
import type { Logger } from '../log/index.ts';
import { type BackendStatus, createBackendMonitor, type StatusListener } from './backend-monitor.ts';
import { createFallbackBus } from './fallback-bus.ts';
import { createFallbackCache } from './fallback-cache.ts';
import { createFallbackLock, createFenceLedger } from './fallback-lock.ts';
import { createRedisBus } from './redis-bus.ts';
import { createRedisCache } from './redis-cache.ts';
import { closeRedisClient, createRedisClient, type RedisClientOptions } from './redis-client.ts';
import { createRedisLock } from './redis-lock.ts';

/** Tuning of the Redis side of {@link createSharedState}; every field has a default. */
export interface SharedStateRedisOptions extends Omit<RedisClientOptions, 'url' | 'connectionName'> {
  /** First delay between probes while Redis accepts connections but does not answer. Default 100 ms. */
  probeIntervalMs?: number;
  /** Cap of that delay, which doubles after each failed probe. Default 2000 ms. */
  maxProbeIntervalMs?: number;
}

/** Options of {@link createSharedState}. */
export interface SharedStateOptions {
  /** `HCS_REDIS_URL`. Default none: memory only, status reason `not configured`. */
  redisUrl?: string | undefined;
  /** `HCS_REDIS_PREFIX`: prepended to every key and channel (`<prefix>cache:`, `lock:`, `bus:`). Default `hcs:`. */
  prefix?: string;
  /** Logs the switches (warn on fallback, info on return) and failing bus handlers. */
  logger: Logger;
  /** Bounds of the memory cache (used alone, or while Redis is away). Defaults as `createMemoryCache`. */
  memoryCache?: Omit<MemoryCacheOptions, 'now'>;
  /** Timeouts and backoff towards Redis. Defaults as `createRedisClient` (command timeout 250 ms). */
  redis?: SharedStateRedisOptions;
}

/** {@link SharedStateOptions} with every default filled. */
export type ValidSharedStateOptions = SharedStateOptions & { prefix: string };

/** Fills the defaults of {@link SharedStateOptions}; an empty URL means none. */
export function validateSharedStateOptions(options: SharedStateOptions): ValidSharedStateOptions {
  const redisUrl = options.redisUrl === '' ? undefined : options.redisUrl;
  return { ...options, redisUrl, prefix: options.prefix ?? 'hcs:' };
}

/** The cache, bus and lock every service uses, and which backend holds them. */
export interface SharedState {
  readonly cache: Cache;
  readonly bus: Bus;
  readonly lock: Lock;
  /** A rate limiter whose counters live in {@link cache}. */
  createRateLimiter(options: Omit<RateLimiterOptions, 'cache'>): RateLimiter;
  /** The current backend, for `/readyz` and the gRPC health service. */
  status(): BackendStatus;
  /** Called after each change of {@link status}; returns the function that stops it. */
  onStatusChange(listener: StatusListener): () => void;
  /** Ends subscriptions and closes the Redis connections (waiting at most ~250 ms for Redis). */
  close(): Promise<void>;
}

/**
 * Creates the shared state: memory only when no Redis URL is given, else Redis with memory
 * standing in while Redis is unreachable. Returns at once and never waits for Redis: hcs starts
 * with Redis down, begins on memory (`connecting to redis`) and moves to Redis when it answers.
 *
 * While Redis is unreachable no call fails or hangs on its account: each Redis command times out
 * after `redis.commandTimeoutMs` (250 ms), the first failure switches every primitive to memory,
 * and later calls go straight to memory until a probe (a write, and restoring the bus
 * subscriptions) passes after reconnecting; reconnects back off up to `redis.maxBackoffMs`.
 *
 * What a caller can rely on across a switch, either way:
 * - **cache**: entries may be missing (nothing is copied between backends), and entries written
 *   to Redis before a fallback may reappear, possibly stale, until their TTL ends; rate-limit
 *   counts start again from zero. Keep TTLs short for data that must not go stale.
 * - **bus**: messages published while the backends differ are not replayed; during a fallback a
 *   process hears only its own messages. Delivery stays at-most-once.
 * - **lock**: during a fallback leases are per process and exclude nothing across replicas; a
 *   Redis lease held when Redis went away can be neither renewed nor released (both answer false)
 *   and ends by its TTL. Fencing numbers keep increasing within this process.
 * - Errors are only the callers' own (`CACHE_VALUE_NOT_INTEGER`, bad arguments): a Redis error
 *   never reaches them.
 */
export function createSharedState(options: SharedStateOptions): SharedState {
  const {
    redisUrl,
    prefix,
    logger: parentLogger,
    memoryCache,
    redis: tuning = {},
  } = validateSharedStateOptions(options);
  const logger = parentLogger.child({ component: 'shared-state' });
  const onHandlerError = (error: unknown, topic: string) =>
    logger.error({ err: error, topic }, 'bus handler failed');
  const ledger = createFenceLedger();
  const memory = {
    cache: createMemoryCache(memoryCache),
    bus: createMemoryBus({ onHandlerError }),
    lock: createMemoryLock({ fenceFloor: ledger.floor }),
  };

  if (redisUrl === undefined) {
    const status: BackendStatus = { backend: 'memory', since: new Date(), reason: 'not configured' };
    return {
      ...memory,
      createRateLimiter: (limiter) => createRateLimiter({ ...limiter, cache: memory.cache }),
      status: () => status,
      onStatusChange: () => () => undefined,
      close: () => memory.bus.close(),
    };
  }

  const client = createRedisClient({ ...tuning, url: redisUrl, connectionName: 'hcs' });
  // Pub/sub gets its own connection: a subscribed connection is kept for subscriptions only.
  const subscriber = createRedisClient({
    ...tuning,
    url: redisUrl,
    connectionName: 'hcs-sub',
    autoPipelining: false,
  });
  const redisBus = createRedisBus({ publisher: client, subscriber, prefix: `${prefix}bus:`, onHandlerError });
  const monitor = createBackendMonitor({
    clients: [client, subscriber],
    logger,
    probeIntervalMs: tuning.probeIntervalMs,
    maxProbeIntervalMs: tuning.maxProbeIntervalMs,
    async probe() {
      // A write, not a PING: a Redis that answers but refuses writes (OOM, replica) is no use.
      await client.set(`${prefix}probe`, '1', 'PX', 1000);
      await redisBus.syncSubscriptions();
    },
  });
  const cache = createFallbackCache({
    redis: createRedisCache({ client, prefix: `${prefix}cache:` }),
    memory: memory.cache,
    monitor,
  });
  const lock = createFallbackLock({
    redis: createRedisLock({ client, prefix: `${prefix}lock:`, fenceFloor: ledger.floor }),
    memory: memory.lock,
    monitor,
    ledger,
  });
  const bus = createFallbackBus({ redis: redisBus, memory: memory.bus, monitor });

  return {
    cache,
    bus,
    lock,
    createRateLimiter: (limiter) => createRateLimiter({ ...limiter, cache }),
    status: monitor.status,
    onStatusChange: monitor.onStatusChange,
    async close() {
      monitor.close();
      await bus.close();
      await Promise.all([closeRedisClient(client), closeRedisClient(subscriber)]);
    },
  };
}
