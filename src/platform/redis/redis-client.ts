import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

// ioredis (CommonJS) is required when the first client is made, not imported with this module:
// a server without HCS_REDIS_URL never loads it (~130 ms of CPU and a few MB at start).
const require = createRequire(import.meta.url);

/** Options of {@link createRedisClient}. */
export interface RedisClientOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. */
  url: string;
  /** A command with no reply after this long fails (and the shared state falls back). Default 250 ms. */
  commandTimeoutMs?: number;
  /** A connection attempt is abandoned after this long. Default 1000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect delays double from 50 ms up to this, plus up to 50 ms of jitter. Default 2000 ms. */
  maxBackoffMs?: number;
  /** Batch the commands issued in one event-loop turn into one write. Default true. */
  autoPipelining?: boolean;
  /** Shown by `CLIENT LIST`. Default `hcs`. */
  connectionName?: string;
}

/** {@link RedisClientOptions} with every default filled. */
export type ValidRedisClientOptions = Required<RedisClientOptions>;

/** Fills the defaults of {@link RedisClientOptions} and rejects non-positive durations. */
export function validateRedisClientOptions(options: RedisClientOptions): ValidRedisClientOptions {
  const valid = {
    url: options.url,
    commandTimeoutMs: options.commandTimeoutMs ?? 250,
    connectTimeoutMs: options.connectTimeoutMs ?? 1000,
    maxBackoffMs: options.maxBackoffMs ?? 2000,
    autoPipelining: options.autoPipelining ?? true,
    connectionName: options.connectionName ?? 'hcs',
  };
  for (const name of ['commandTimeoutMs', 'connectTimeoutMs', 'maxBackoffMs'] as const) {
    if (!(valid[name] > 0)) throw new RangeError(`redis ${name} must be above 0, got ${valid[name]}`);
  }
  return valid;
}

/**
 * Creates an ioredis client that never makes a caller wait for Redis: it connects in the
 * background (no await), refuses commands at once while disconnected (offline queue off), fails
 * a command with no reply after `commandTimeoutMs`, and reconnects forever with capped
 * exponential backoff. Commands that were in flight when a connection dropped are not resent
 * after reconnecting: a write that timed out must not land later over newer data.
 * Subscriptions are not restored by ioredis either; the Redis bus restores its own.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const valid = validateRedisClientOptions(options);
  const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
  return new RedisClient(valid.url, {
    enableOfflineQueue: false,
    commandTimeout: valid.commandTimeoutMs,
    connectTimeout: valid.connectTimeoutMs,
    retryStrategy: (times) =>
      Math.min(50 * 2 ** Math.min(times - 1, 16), valid.maxBackoffMs) + Math.random() * 50,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    enableAutoPipelining: valid.autoPipelining,
    connectionName: valid.connectionName,
  });
}

/** Closes a client gracefully (QUIT) if Redis answers within `timeoutMs`, else drops the socket. */
export async function closeRedisClient(client: Redis, timeoutMs = 250): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.quit(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
  } catch {
    // Not connected: nothing to quit gracefully.
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
