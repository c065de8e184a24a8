/**
 * The per-device FIFO: one operation runs at a time (so one write is ever in flight per device),
 * at most `depth` wait behind it, and a full queue refuses at once with QUEUE_FULL instead of
 * letting latency grow without bound. Each device has its own queue, so a slow device never
 * stalls another.
 */
import { abortError } from '../abort.ts';
import { HardwareError, HardwareErrorKind } from '../hardware-error.ts';

interface Waiting {
  start: () => void;
  fail: (error: unknown) => void;
}

/** A bounded FIFO of operations on one device. */
export interface DeviceQueue {
  /** Runs `task` when every earlier task has settled. Rejects QUEUE_FULL at once when `depth` are waiting. */
  run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T>;
  /** Rejects every waiting task with `error` (the running one is left to finish). */
  drain(error: HardwareError): void;
  /** Tasks waiting (not counting the running one). */
  readonly waiting: number;
  /** True while a task runs. */
  readonly busy: boolean;
}

/** Creates a queue that admits `depth` waiting tasks behind the running one; `label` names the device in errors. */
export function createDeviceQueue(depth: number, label: string): DeviceQueue {
  const waiting: Waiting[] = [];
  let busy = false;

  const next = () => {
    const head = waiting.shift();
    if (head === undefined) busy = false;
    else head.start();
  };

  return {
    get waiting() {
      return waiting.length;
    },
    get busy() {
      return busy;
    },
    run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
      if (signal.aborted) return Promise.reject(abortError(signal, `queued operation on ${label}`));
      const execute = (): Promise<T> => task().finally(next);
      if (!busy) {
        busy = true;
        return execute();
      }
      if (waiting.length >= depth) {
        return Promise.reject(
          new HardwareError(
            HardwareErrorKind.QUEUE_FULL,
            `device ${label} has ${depth} operations waiting already; try again later`,
          ),
        );
      }
      return new Promise<T>((resolve, reject) => {
        const entry: Waiting = {
          start: () => {
            signal.removeEventListener('abort', onAbort);
            execute().then(resolve, reject);
          },
          fail: (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        const onAbort = () => {
          const index = waiting.indexOf(entry);
          if (index >= 0) waiting.splice(index, 1);
          reject(abortError(signal, `queued operation on ${label}`));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
      });
    },
    drain(error: HardwareError): void {
      for (const entry of waiting.splice(0)) entry.fail(error);
    },
  };
}
