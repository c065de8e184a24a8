import type { Server } from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

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

/** Registers the health service on a server and returns its reporter. */
export function addHealth(server: Server, services: readonly string[]): HealthReporter {
  const statuses = new Map<string, ServingStatus>(services.map((service) => [service, 'NOT_SERVING']));
  const implementation = new HealthImplementation({ '': 'NOT_SERVING', ...Object.fromEntries(statuses) });
  implementation.addToServer(server);
  const publishOverall = () => {
    const overall = [...statuses.values()].every((status) => status === 'SERVING')
      ? 'SERVING'
      : 'NOT_SERVING';
    implementation.setStatus('', overall);
  };
  return {
    set(service, status) {
      statuses.set(service, status);
      implementation.setStatus(service, status);
      publishOverall();
    },
    setAll(status) {
      for (const service of statuses.keys()) {
        statuses.set(service, status);
        implementation.setStatus(service, status);
      }
      implementation.setStatus('', status);
    },
    setDependency(name, status) {
      implementation.setStatus(name, status);
    },
    get(service) {
      if (service === '')
        return [...statuses.values()].every((status) => status === 'SERVING') ? 'SERVING' : 'NOT_SERVING';
      return statuses.get(service) ?? 'UNKNOWN';
    },
  };
}
