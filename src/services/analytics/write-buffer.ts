import { AppError, Code } from '../../platform/errors/index.ts';
import type { ChunkStore } from './chunk-store.ts';
import { AnalyticsReason } from './reasons.ts';
import { type Columns, concatColumns } from './sample-columns.ts';

/** Options of {@link createWriteBuffer}. */
export interface WriteBufferOptions {
  store: ChunkStore;
  /** Most samples one commit takes; a single larger write still commits alone. Default 1,000,000. */
  maxSamplesPerCommit?: number;
}

/**
 * Group commit: writes that arrive while a commit runs wait and then share the next one, so
 * many small ingestion calls become one transaction with one chunk run per series, and no
 * call is answered before its own samples are committed. A write is never split between
 * commits, so it is all or nothing; writes commit in arrival order (later ones win at an
 * instant both hold).
 */
export interface WriteBuffer {
  /**
   * Resolves once `writes` (series primary key → samples) are durably committed; rejects when
   * their commit fails (NOT_FOUND `SERIES_NOT_FOUND` when a series was deleted meanwhile).
   */
  write(writes: ReadonlyMap<string, Columns>, sampleCount: number): Promise<void>;
  /** Resolves when every write queued so far has been committed or failed. */
  drain(): Promise<void>;
}

interface Job {
  writes: ReadonlyMap<string, Columns>;
  sampleCount: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** Builds a write buffer over `options.store`. */
export function createWriteBuffer(options: WriteBufferOptions): WriteBuffer {
  const { store } = options;
  const maxSamples = options.maxSamplesPerCommit ?? 1_000_000;
  const queue: Job[] = [];
  let running: Promise<void> | undefined;

  async function commitLoop(): Promise<void> {
    while (queue.length > 0) {
      let samples = 0;
      let take = 0;
      while (
        take < queue.length &&
        (take === 0 || samples + (queue[take] as Job).sampleCount <= maxSamples)
      ) {
        samples += (queue[take] as Job).sampleCount;
        take += 1;
      }
      const jobs = queue.splice(0, take);
      await commit(jobs);
    }
  }

  async function commit(jobs: Job[]): Promise<void> {
    const merged = new Map<string, Columns[]>();
    for (const job of jobs) {
      for (const [pk, columns] of job.writes) {
        const parts = merged.get(pk);
        if (parts === undefined) merged.set(pk, [columns]);
        else parts.push(columns);
      }
    }
    const writes = new Map<string, Columns>();
    for (const [pk, parts] of merged)
      writes.set(pk, parts.length === 1 ? (parts[0] as Columns) : concatColumns(parts));
    try {
      const { missing } = await store.write(writes);
      if (missing.size === 0) {
        for (const job of jobs) job.resolve();
        return;
      }
      // Nothing was written: fail the writes to deleted series and commit the others again.
      const retry: Job[] = [];
      for (const job of jobs) {
        if ([...job.writes.keys()].some((pk) => missing.has(pk))) {
          job.reject(
            new AppError(
              Code.NOT_FOUND,
              AnalyticsReason.SERIES_NOT_FOUND,
              'a series of this call was deleted while it was written',
            ),
          );
        } else retry.push(job);
      }
      if (retry.length > 0) await commit(retry);
    } catch (error) {
      for (const job of jobs) job.reject(error);
    }
  }

  function kick(): void {
    if (running !== undefined) return;
    running = commitLoop().finally(() => {
      running = undefined;
      if (queue.length > 0) kick();
    });
  }

  return {
    write(writes, sampleCount) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ writes, sampleCount, resolve, reject });
        kick();
      });
    },
    async drain() {
      while (running !== undefined) await running;
    },
  };
}
