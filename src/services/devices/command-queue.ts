import { AppError, Code } from '../../platform/errors/index.ts';
import { DeviceReason } from './reasons.ts';

/** One command waiting for, or holding, its device. */
export interface QueuedJob {
  readonly id: string;
  readonly device: string;
  /** Runs the job; the queue starts the next one when it settles. */
  run(): Promise<void>;
  /** Ends a job taken out of the queue before it ran (cancelled, or the queue shut). */
  drop(reason: 'cancelled' | 'closing'): void;
}

/**
 * The per-device FIFO of command executions on this node: one command runs at a time per
 * device, at most `depth` wait behind it (more are RESOURCE_EXHAUSTED `QUEUE_FULL`, refused
 * before anything is sent), and each device has its own line, so a slow device never stalls
 * another.
 */
export function createCommandQueue(depth: number) {
  const lines = new Map<string, { running: QueuedJob | undefined; waiting: QueuedJob[] }>();

  const next = (device: string) => {
    const line = lines.get(device);
    if (line === undefined) return;
    const job = line.waiting.shift();
    line.running = job;
    if (job === undefined) {
      lines.delete(device);
      return;
    }
    // run() records its own failures; a rejection here must not stop the device's line.
    void job
      .run()
      .catch(() => {})
      .finally(() => next(device));
  };

  return {
    /** Queues `job`, or throws QUEUE_FULL when `depth` commands already wait for its device. */
    push(job: QueuedJob): void {
      let line = lines.get(job.device);
      if (line === undefined) {
        line = { running: undefined, waiting: [] };
        lines.set(job.device, line);
      }
      if (line.running !== undefined && line.waiting.length >= depth) {
        throw new AppError(
          Code.RESOURCE_EXHAUSTED,
          DeviceReason.QUEUE_FULL,
          `devices/${job.device} has ${depth} commands waiting already; try again later`,
        );
      }
      line.waiting.push(job);
      if (line.running === undefined) next(job.device);
    },

    /** Takes a waiting job out; false when it is not waiting here (running, ended, or elsewhere). */
    remove(id: string): boolean {
      for (const line of lines.values()) {
        const index = line.waiting.findIndex((job) => job.id === id);
        if (index >= 0) {
          const [job] = line.waiting.splice(index, 1);
          job?.drop('cancelled');
          return true;
        }
      }
      return false;
    },

    /** Drops every waiting job (their rows stay QUEUED, to resume when the node starts again). */
    close(): void {
      for (const line of lines.values()) for (const job of line.waiting.splice(0)) job.drop('closing');
    },
  };
}

/** The per-device FIFO of this node. */
export type CommandQueue = ReturnType<typeof createCommandQueue>;
