import type { BackendStatus } from './backend-monitor.ts';

/**
 * One line for `/readyz` and the logs: `redis`, `memory (not configured)` or
 * `memory (redis unreachable since 2026-01-01T10:00:00.000Z)`.
 */
export function formatBackendStatus(status: BackendStatus): string {
  if (status.backend === 'redis') return 'redis';
  if (status.reason === 'not configured') return 'memory (not configured)';
  if (status.reason === 'connecting to redis')
    return `memory (connecting to redis since ${status.since.toISOString()})`;
  return `memory (redis unreachable since ${status.since.toISOString()})`;
}
