import { type ClientReadableStream, type ServiceError, status } from '@grpc/grpc-js';
import {
  HealthState,
  InstanceEventType,
  type ServiceInstance,
  type WatchInstancesResponse,
} from '../gen/hcs/v1/registry.ts';
import { endpointFromInstance, type RegistryEndpoint, serviceParentOf } from './endpoint.ts';
import type { RegistryClient } from './registry-client.ts';

/** Options of {@link watchEndpoints}. */
export interface LiveEndpointsOptions {
  /** Only instances carrying every tag. Default none. */
  tags?: string[];
  /** The health states that make an instance an endpoint. Default `[HEALTH_STATE_HEALTHY]`. */
  healthStates?: HealthState[];
  /** First wait before reopening a broken watch; doubled per failure. Default 100 ms. */
  retryInitialMs?: number;
  /** Longest wait between attempts. Default 5000 ms. */
  retryMaxMs?: number;
  /** Told about every error that ended the watch, whether it is retried or not. */
  onError?: (error: ServiceError) => void;
  /** Told each time the list is in sync again: after a fresh snapshot, or after resuming from its last token. */
  onSynced?: (how: 'snapshot' | 'resume') => void;
}

/** The endpoints of one service, kept current by a watch. */
export interface LiveEndpoints {
  /** The current endpoints in name order; empty until the first snapshot. The same array until the next event. */
  current(): readonly RegistryEndpoint[];
  /** Resolves once the first snapshot is in; rejects if the watch fails for good (see {@link watchEndpoints}). */
  readonly ready: Promise<void>;
  /** Calls `listener` after every change of {@link current}; returns the unsubscribe. */
  onChange(listener: (endpoints: readonly RegistryEndpoint[]) => void): () => void;
  /** Stops watching. */
  close(): void;
}

// Errors no retry can fix: the request or the credential is wrong, or the server has no registry.
const FATAL = new Set<number>([status.INVALID_ARGUMENT, status.PERMISSION_DENIED, status.UNIMPLEMENTED]);

/**
 * Watches `service` (`billing` or `services/billing`) and keeps its endpoint list current: a
 * snapshot, then each change. When the stream breaks (the server restarts, the network drops),
 * it reopens with the resume token of the last event it applied, so nothing is missed or
 * applied twice; a token the server no longer knows (`OUT_OF_RANGE`: its history moved on, or
 * its database was replaced) starts a fresh snapshot, which replaces the list once complete.
 * Retries back off from `retryInitialMs` to `retryMaxMs`; INVALID_ARGUMENT, PERMISSION_DENIED
 * and UNIMPLEMENTED stop the watch (and reject `ready` if it had not resolved). Its retry timer
 * does not keep the process alive on its own.
 */
export function watchEndpoints(
  client: RegistryClient,
  service: string,
  options: LiveEndpointsOptions = {},
): LiveEndpoints {
  const parent = serviceParentOf(service);
  const wanted = new Set(options.healthStates ?? [HealthState.HEALTH_STATE_HEALTHY]);
  const retryInitialMs = options.retryInitialMs ?? 100;
  const retryMaxMs = options.retryMaxMs ?? 5000;
  const listeners = new Set<(endpoints: readonly RegistryEndpoint[]) => void>();
  let instances = new Map<string, ServiceInstance>();
  let endpoints: readonly RegistryEndpoint[] = [];
  let token = '';
  let stream: ClientReadableStream<WatchInstancesResponse> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let delay = retryInitialMs;
  let closed = false;
  let settle: { resolve(): void; reject(error: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Whoever never awaits `ready` must not see an unhandled rejection.
  ready.catch(() => undefined);

  function publish(): void {
    endpoints = [...instances.values()]
      .filter((instance) => wanted.has(instance.healthState))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map(endpointFromInstance);
    for (const listener of listeners) listener(endpoints);
  }

  function open(): void {
    retryTimer = undefined;
    const resuming = token !== '';
    // A snapshot is gathered aside and replaces the list at SYNCED; its token counts only then.
    let snapshot: Map<string, ServiceInstance> | undefined = resuming ? undefined : new Map();
    let ended = false;
    const call = client.watch({ parent, resumeToken: token, tags: options.tags ?? [] });
    stream = call;
    call.on('data', (event: WatchInstancesResponse) => {
      const target = snapshot ?? instances;
      switch (event.eventType) {
        case InstanceEventType.INSTANCE_EVENT_TYPE_SYNCED:
          if (snapshot !== undefined) instances = snapshot;
          snapshot = undefined;
          token = event.resumeToken;
          delay = retryInitialMs;
          publish();
          settle?.resolve();
          options.onSynced?.(resuming ? 'resume' : 'snapshot');
          return;
        case InstanceEventType.INSTANCE_EVENT_TYPE_PROGRESS:
          if (snapshot === undefined) token = event.resumeToken;
          return;
        case InstanceEventType.INSTANCE_EVENT_TYPE_REMOVED:
          if (event.instance !== undefined) target.delete(event.instance.name);
          break;
        default:
          if (event.instance !== undefined) target.set(event.instance.name, event.instance);
      }
      if (snapshot === undefined) {
        token = event.resumeToken;
        publish();
      }
    });
    const finish = (error: ServiceError | undefined) => {
      if (ended) return;
      ended = true;
      if (stream === call) stream = undefined;
      if (closed) return;
      if (error !== undefined) options.onError?.(error);
      if (
        error !== undefined &&
        FATAL.has(error.code) &&
        !(error.code === status.INVALID_ARGUMENT && resuming)
      ) {
        closed = true;
        settle?.reject(error);
        return;
      }
      // A token the server no longer holds (or does not know): start over with a snapshot.
      if (error?.code === status.OUT_OF_RANGE || error?.code === status.INVALID_ARGUMENT) {
        token = '';
        open();
        return;
      }
      retryTimer = setTimeout(open, delay);
      retryTimer.unref();
      delay = Math.min(delay * 2, retryMaxMs);
    };
    call.on('error', (error: ServiceError) => finish(error));
    call.on('end', () => finish(undefined));
  }

  open();
  return {
    current: () => endpoints,
    ready,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      stream?.cancel();
      settle?.reject(new Error(`the watch of ${parent} was closed before its first snapshot`));
    },
  };
}
