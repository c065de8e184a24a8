import { status as grpcStatus, type Server } from '@grpc/grpc-js';
import {
  type HealthCheckResponse,
  HealthCheckResponse_ServingStatus,
  type HealthServer,
  HealthService,
} from '../../gen/grpc/health/v1/health.ts';

/** A status a service can be given; `SERVICE_UNKNOWN` is only what Watch says of an unknown name. */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING';

/**
 * `grpc.health.v1.Health` with one status per hcs service plus the overall status under the
 * empty name, as the protocol defines. All start NOT_SERVING until the server is ready.
 */
export interface HealthReporter {
  /** Sets one service's status; the overall status follows (SERVING only when all are). */
  set(service: string, status: ServingStatus): void;
  /** Sets every status at once: SERVING when started, NOT_SERVING while draining. */
  setAll(status: ServingStatus): void;
  /**
   * Reports a dependency (e.g. `redis`) under its own name. It does not count towards the
   * overall status: hcs keeps serving while a dependency it can do without is away, and a
   * container health check must not restart it for that.
   */
  setDependency(name: string, status: ServingStatus): void;
  /** The current status of a service, or of the whole server for `''`. */
  get(service: string): ServingStatus;
}

/** Most names List answers with; past it, RESOURCE_EXHAUSTED, as the protocol asks. */
const LIST_LIMIT = 100;

/**
 * Registers the health service (Check, Watch, List) on a server and returns its reporter.
 * Check of an unknown name is NOT_FOUND; Watch of one says SERVICE_UNKNOWN and waits for it.
 *
 * Served on the generated definition rather than `grpc-health-check`'s implementation: that
 * package parses its `.proto` with proto-loader and protobufjs when imported, which cost every
 * start ~150 ms of CPU and a few MB for three small methods.
 */
export function addHealth(server: Server, services: readonly string[]): HealthReporter {
  const statuses = new Map<string, ServingStatus>([['', 'NOT_SERVING']]);
  for (const service of services) statuses.set(service, 'NOT_SERVING');
  const watchers = new Map<string, Set<(status: ServingStatus) => void>>();

  const publish = (name: string, status: ServingStatus) => {
    statuses.set(name, status);
    for (const watcher of watchers.get(name) ?? []) watcher(status);
  };
  const publishOverall = () => {
    const all = services.every((service) => statuses.get(service) === 'SERVING');
    publish('', all ? 'SERVING' : 'NOT_SERVING');
  };

  const implementation: HealthServer = {
    check(call, callback) {
      const { service } = call.request;
      const status = statuses.get(service);
      if (status === undefined) {
        callback({ code: grpcStatus.NOT_FOUND, details: `Health status unknown for service ${service}` });
      } else {
        callback(null, { status: HealthCheckResponse_ServingStatus[status] } satisfies HealthCheckResponse);
      }
    },
    watch(call) {
      const { service } = call.request;
      const send = (status: ServingStatus | 'SERVICE_UNKNOWN') =>
        call.write({ status: HealthCheckResponse_ServingStatus[status] });
      let set = watchers.get(service);
      if (set === undefined) {
        set = new Set();
        watchers.set(service, set);
      }
      set.add(send);
      call.on('cancelled', () => {
        set.delete(send);
        if (set.size === 0 && watchers.get(service) === set) watchers.delete(service);
      });
      send(statuses.get(service) ?? 'SERVICE_UNKNOWN');
    },
    list(_call, callback) {
      if (statuses.size > LIST_LIMIT) {
        callback({ code: grpcStatus.RESOURCE_EXHAUSTED, details: 'Too many services to list.' });
        return;
      }
      const listed: Record<string, HealthCheckResponse> = {};
      for (const [name, status] of statuses)
        listed[name] = { status: HealthCheckResponse_ServingStatus[status] };
      callback(null, { statuses: listed });
    },
  };
  server.addService(HealthService, implementation);

  return {
    set(service, status) {
      publish(service, status);
      publishOverall();
    },
    setAll(status) {
      for (const service of services) publish(service, status);
      publish('', status);
    },
    setDependency(name, status) {
      publish(name, status);
    },
    get(service) {
      return statuses.get(service) ?? 'UNKNOWN';
    },
  };
}
