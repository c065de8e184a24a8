import { EventEmitter } from 'node:events';
import type { JobRow } from './job.entity.ts';

/** What a watcher sees of a job at one moment. */
export type JobSnapshot = Pick<JobRow, 'id' | 'state' | 'results' | 'error'>;

/** How often a watcher re-reads a job no saved change woke it for (another replica runs it). */
const REREAD_MS = 1000;

/** Copies what watchers read, so later changes to the row do not reach snapshots already queued. */
export function snapshotOf(row: JobSnapshot): JobSnapshot {
  return { id: row.id, state: row.state, error: row.error, results: structuredClone(row.results) };
}

/**
 * The job changes this node saves, in process: watchers of a job this node runs see every
 * saved change as it happens, in order; a job run by another replica is read from the
 * database every second.
 */
export function createJobChanges() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    /** Tells the job's watchers about a change just saved. */
    publish(row: JobSnapshot): void {
      emitter.emit(row.id, snapshotOf(row));
    },

    /**
     * Yields the job as it is now, then as each change leaves it, until it is neither QUEUED nor
     * RUNNING or `signal` aborts.
     */
    async *watch(
      id: string,
      load: () => Promise<JobSnapshot>,
      signal: AbortSignal,
    ): AsyncIterable<JobSnapshot> {
      const queue: JobSnapshot[] = [];
      let wake: (() => void) | undefined;
      const listener = (snapshot: JobSnapshot) => {
        queue.push(snapshot);
        wake?.();
      };
      emitter.on(id, listener);
      try {
        let current = snapshotOf(await load());
        yield current;
        while (!signal.aborted && (current.state === 'queued' || current.state === 'running')) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(done, REREAD_MS);
              signal.addEventListener('abort', done, { once: true });
              wake = done;
              function done() {
                clearTimeout(timer);
                signal.removeEventListener('abort', done);
                wake = undefined;
                resolve();
              }
            });
            if (signal.aborted) return;
          }
          current = queue.shift() ?? snapshotOf(await load());
          yield current;
        }
      } finally {
        emitter.off(id, listener);
      }
    },
  };
}
