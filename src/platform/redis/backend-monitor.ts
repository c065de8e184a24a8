import type { Redis } from 'ioredis';
import type { Logger } from '../log/index.ts';
import { isRedisUnavailable } from './from-redis-error.ts';

/** Where the shared state currently lives. */
export type Backend = 'redis' | 'memory';

/** The shared state's backend, since when, and why it is not Redis. */
export interface BackendStatus {
  readonly backend: Backend;
  /** When this backend was entered. */
  readonly since: Date;
  /** Why the backend is memory: `not configured`, `connecting to redis`, or `redis unreachable: …`. */
  readonly reason?: string;
}

/** Called with the new status after every change. */
export type StatusListener = (status: BackendStatus) => void;

/** Options of {@link createBackendMonitor}. */
export interface BackendMonitorOptions {
  /** Connections whose loss means falling back; Redis is used only while all are ready. */
  clients: readonly Redis[];
  /** Proves Redis usable again (e.g. a write and restoring subscriptions); rejects if not. */
  probe: () => Promise<void>;
  logger: Logger;
  /** First delay between probes while Redis answers the connection but not the probe. Default 100 ms. */
  probeIntervalMs?: number;
  /** Cap of that delay, which doubles after each failed probe. Default 2000 ms. */
  maxProbeIntervalMs?: number;
}

/** Watches Redis and routes each call to Redis or to memory. */
export interface BackendMonitor {
  status(): BackendStatus;
  /** Registers a listener; returns the function that removes it. */
  onStatusChange(listener: StatusListener): () => void;
  /** Falls back to memory if `error` means Redis is unavailable. */
  reportFailure(error: unknown): void;
  /**
   * Runs `onRedis` while on Redis, else `onMemory`; when `onRedis` fails because Redis is
   * unavailable, falls back and runs `onMemory`, so the caller never sees that failure.
   */
  route<T>(onRedis: () => Promise<T>, onMemory: () => Promise<T>): Promise<T>;
  close(): void;
}

/**
 * Creates the monitor that decides between Redis and memory. It starts on memory (`connecting to
 * redis`), goes to Redis once every connection is ready and the probe passes, falls back the
 * moment a connection closes or a call fails for unavailability, and probes again on every
 * reconnect and, while connections stay up but Redis does not answer (a stopped process), on a
 * doubling timer. Each fallback is logged once at warn, each return once at info.
 */
export function createBackendMonitor(options: BackendMonitorOptions): BackendMonitor {
  const { clients, probe, logger } = options;
  const firstDelay = options.probeIntervalMs ?? 100;
  const maxDelay = options.maxProbeIntervalMs ?? 2000;
  const listeners = new Set<StatusListener>();
  let current: BackendStatus = { backend: 'memory', since: new Date(), reason: 'connecting to redis' };
  let warned = false;
  let probing = false;
  let delay = firstDelay;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const change = (next: BackendStatus) => {
    current = next;
    for (const listener of [...listeners]) {
      try {
        listener(next);
      } catch (error) {
        logger.error({ err: error }, 'shared state status listener failed');
      }
    }
  };
  const fallBack = (reason: string) => {
    if (closed) return;
    if (current.backend === 'redis') {
      change({ backend: 'memory', since: new Date(), reason });
    } else if (!warned) {
      change({ ...current, reason });
    } else return;
    warned = true;
    logger.warn({ reason }, 'shared state falling back to memory: redis unreachable');
    schedule(firstDelay);
  };
  const schedule = (ms: number) => {
    clearTimeout(timer);
    delay = ms;
    timer = setTimeout(tryProbe, ms);
    timer.unref();
  };
  const tryProbe = async () => {
    if (closed || probing || current.backend === 'redis') return;
    // Not connected: the reconnect's `ready` event probes again, no timer needed.
    if (!clients.every((client) => client.status === 'ready')) return;
    probing = true;
    try {
      await probe();
      // Re-read after the await: a call may have changed the status meanwhile.
      if (closed || (current as BackendStatus).backend === 'redis') return;
      warned = false;
      change({ backend: 'redis', since: new Date() });
      logger.info('shared state on redis');
    } catch (error) {
      logger.debug({ err: error }, 'redis probe failed');
      schedule(Math.min(delay * 2, maxDelay));
    } finally {
      probing = false;
    }
  };

  const lastError = new Map<Redis, string>();
  const detach: (() => void)[] = [];
  for (const client of clients) {
    const onError = (error: Error) => {
      lastError.set(client, error.message);
      logger.debug({ err: error }, 'redis connection error');
    };
    const onClose = () => fallBack(`redis unreachable: ${lastError.get(client) ?? 'connection closed'}`);
    const onReady = () => {
      lastError.delete(client);
      void tryProbe();
    };
    client.on('error', onError).on('close', onClose).on('ready', onReady);
    detach.push(() => client.off('error', onError).off('close', onClose).off('ready', onReady));
  }

  const reportFailure = (error: unknown) => {
    if (!isRedisUnavailable(error)) return;
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    fallBack(`redis unreachable: ${cause}`);
  };

  return {
    status: () => current,
    onStatusChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reportFailure,
    async route(onRedis, onMemory) {
      if (current.backend !== 'redis') return onMemory();
      try {
        return await onRedis();
      } catch (error) {
        if (!isRedisUnavailable(error)) throw error;
        reportFailure(error);
        return onMemory();
      }
    },
    close() {
      closed = true;
      clearTimeout(timer);
      for (const off of detach) off();
      listeners.clear();
    },
  };
}
