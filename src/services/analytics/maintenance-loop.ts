import type { Logger } from '../../platform/log/index.ts';
import { type RepeatingTask, startRepeatingTask } from '../common/index.ts';
import type { ChunkMaintenance } from './chunk-maintenance.ts';

/** Options of {@link startMaintenanceLoop}. */
export interface MaintenanceLoopOptions {
  maintenance: ChunkMaintenance;
  logger: Logger;
  /** Retention of series that set none, in milliseconds. */
  defaultRetentionMs: number;
  /** Time between passes. Default 60 s (the proto promises pruning within a minute). */
  intervalMs?: number;
}

/**
 * Runs retention then compaction right after start (so a box restarted more often than the
 * interval still prunes, and a changed default retention applies at once), then once per
 * interval until stopped. A failed pass is logged and retried at the next interval: both
 * passes are idempotent, so nothing is lost by waiting. Resolves `stop()` once a running pass
 * has finished.
 */
export function startMaintenanceLoop(options: MaintenanceLoopOptions): RepeatingTask {
  const { maintenance, logger, defaultRetentionMs } = options;
  const pass = async () => {
    const dropped = await maintenance.applyRetention(Date.now(), defaultRetentionMs);
    const merged = await maintenance.compactAll();
    if (dropped > 0 || merged > 0) logger.info({ dropped, merged }, 'analytics maintenance pass');
  };
  return startRepeatingTask({
    intervalMs: options.intervalMs ?? 60_000,
    runAtStart: true,
    run: pass,
    onError: (error) =>
      logger.warn({ err: error }, 'analytics maintenance pass failed; retrying at the next interval'),
  });
}
