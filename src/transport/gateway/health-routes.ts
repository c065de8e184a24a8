import type { HttpRoute } from './http-route.ts';
import { sendJson } from './json-response.ts';
import type { ReadinessProbe } from './probes.ts';

/** Options of {@link createHealthRoutes}. */
export interface HealthRoutesOptions {
  /** Dependencies checked by `/readyz`, on each request. */
  readiness: ReadinessProbe;
  /** True once the process is shutting down: `/readyz` then answers 503 `draining`. */
  draining(): boolean;
}

/**
 * `GET /healthz` (liveness: the process answers) and `GET /readyz` (readiness: 200 when every
 * dependency is ok and the process is not draining, else 503, with each check's detail).
 * Probes come from the orchestrator, not from browsers: no CORS.
 */
export function createHealthRoutes(options: HealthRoutesOptions): HttpRoute[] {
  return [
    {
      name: 'liveness',
      methods: ['GET'],
      path: '/healthz',
      cors: 'none',
      handle(_request, response) {
        sendJson(response, 200, { status: 'ok' });
      },
    },
    {
      name: 'readiness',
      methods: ['GET'],
      path: '/readyz',
      cors: 'none',
      async handle(_request, response) {
        const checks = await options.readiness();
        const draining = options.draining();
        const ready = !draining && checks.every((check) => check.ok);
        sendJson(response, ready ? 200 : 503, {
          status: draining ? 'draining' : ready ? 'ready' : 'not ready',
          checks: Object.fromEntries(
            checks.map((check) => [check.name, { ok: check.ok, detail: check.detail }]),
          ),
        });
      },
    },
  ];
}
