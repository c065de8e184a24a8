import { HardwareError, HardwareErrorKind, isHardwareError } from '../../hardware/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { Lock } from '../../platform/lock/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import type { CallFacts } from '../common/index.ts';
import { type Execution, type ExecutionState, TERMINAL_STATES } from './command-execution.entity.ts';
import { type PreparedCommand, sendCommand } from './command-io.ts';
import { createCommandQueue } from './command-queue.ts';
import type { Device } from './device.entity.ts';
import type { DeviceHardware } from './device-hardware.ts';
import type { ExecutionJournal } from './execution-journal.ts';
import { cancelledError, type ExecutionRecords } from './execution-records.ts';
import { fromAdapterError } from './from-adapter-error.ts';
import type { LatestReadings } from './latest-readings.ts';
import { DeviceReason } from './reasons.ts';

const STORE_POLL_MS = 50;

/** Options of {@link createExecutionRunner}. */
export interface ExecutionRunnerOptions {
  records: ExecutionRecords;
  /** Where the device's last command, seen and connected times go. */
  journal: ExecutionJournal;
  hardware: DeviceHardware;
  readings: LatestReadings;
  lock: Lock;
  logger: Logger;
  node: string;
  queueDepth: number;
}

/** The running side of command executions on this node. */
export type ExecutionRunner = ReturnType<typeof createExecutionRunner>;

/**
 * Runs QUEUED executions through the per-device queue: under the device's lock (`devices/{id}`,
 * shared by replicas), RUNNING with the command's timeout, then ended with the outcome. Never
 * retries: the device may have acted. An execution belongs to this node, not to the call that
 * asked for it.
 */
export function createExecutionRunner(options: ExecutionRunnerOptions) {
  const { records, journal, hardware, readings, lock, logger, node } = options;
  const { nameOf, load, finish } = records;
  const queue = createCommandQueue(options.queueDepth);
  /** Executions of this node not yet ended, with their controls. */
  const live = new Map<string, { controller: AbortController; ended: Promise<Execution> }>();
  let closing = false;

  /** The state a hardware failure leaves an execution in: nothing sent is REJECTED. */
  function stateOfFailure(error: unknown, cancelled: boolean): ExecutionState {
    if (cancelled) return 'cancelled';
    if (!isHardwareError(error)) return 'failed';
    switch (error.kind) {
      case HardwareErrorKind.TIMEOUT:
        return 'timed_out';
      case HardwareErrorKind.CANCELLED:
        return 'cancelled';
      case HardwareErrorKind.QUEUE_FULL:
      case HardwareErrorKind.DEVICE_DOWN:
      case HardwareErrorKind.UNAVAILABLE:
      case HardwareErrorKind.DRIVER_MISSING:
      case HardwareErrorKind.PERMISSION_DENIED:
      case HardwareErrorKind.NOT_ALLOWED:
      case HardwareErrorKind.DEVICE_BUSY:
        return 'rejected';
      default:
        return 'failed';
    }
  }

  /** Queues a recorded QUEUED row; the promise settles with the row once it has ended. */
  function enqueue(
    row: Execution,
    device: Device,
    prepared: PreparedCommand,
    facts: CallFacts,
  ): Promise<Execution> {
    const controller = new AbortController();
    let settle: (row: Execution) => void = () => {};
    const ended = new Promise<Execution>((resolve) => {
      settle = resolve;
    });
    live.set(row.id, { controller, ended });
    const done = (result: Execution) => {
      live.delete(row.id);
      settle(result);
    };
    // The outcome is decided (in memory) when `finish` is called; its commit is waited for by
    // the caller, not by the device, whose next command starts meanwhile.
    const endWithoutWaiting = (ending: Promise<Execution>) =>
      void ending.then(done, (error: unknown) => {
        logger.error({ err: error, execution: nameOf(row) }, 'command execution failed to record');
        done(row);
      });
    const job = {
      id: row.id,
      device: row.device,
      drop: (reason: 'cancelled' | 'closing') => {
        if (reason === 'closing') return; // stays QUEUED; resumed when this node starts again
        void finish(row, 'cancelled', { error: cancelledError(row) }, facts).then(done, () => done(row));
      },
      run: async () => {
        if (closing) return;
        if (controller.signal.aborted) {
          done(await finish(row, 'cancelled', { error: cancelledError(row) }, facts));
          return;
        }
        let lease: Awaited<ReturnType<Lock['acquire']>>;
        try {
          lease = await lock.acquire(`devices/${row.device}`, {
            ttlMs: row.timeoutMs + 10_000,
            waitMs: row.timeoutMs,
            signal: controller.signal,
          });
        } catch (error) {
          done(await finish(row, 'rejected', { error: AppError.from(error) }, facts));
          return;
        }
        if (lease === undefined) {
          const error = controller.signal.aborted
            ? cancelledError(row)
            : new AppError(
                Code.UNAVAILABLE,
                DeviceReason.DEVICE_BUSY,
                `devices/${row.device} is busy on another node`,
              );
          done(await finish(row, controller.signal.aborted ? 'cancelled' : 'rejected', { error }, facts));
          return;
        }
        try {
          const startTime = new Date();
          if (!(await records.start(row, { startTime, node }, facts))) {
            done(await load(row.device, row.id));
            return;
          }
          journal.touch(row.device, { lastCommandTime: startTime, node });
          const timer = setTimeout(
            () =>
              controller.abort(
                new HardwareError(
                  HardwareErrorKind.TIMEOUT,
                  `${row.command} on devices/${row.device} timed out after ${row.timeoutMs} ms`,
                ),
              ),
            row.timeoutMs,
          );
          try {
            const ref = { adapter: device.adapter, deviceId: device.address };
            const result = await sendCommand(hardware.runtime(), ref, prepared, controller.signal);
            const now = new Date();
            readings.record(row.device, result);
            journal.touch(row.device, { lastSeenTime: now, lastConnectedTime: now });
            endWithoutWaiting(finish(row, 'succeeded', { readings: result }, facts));
          } catch (error) {
            if (closing) return; // left RUNNING: this node ends it TIMED_OUT (RESTART) when it starts again
            const cancelled =
              controller.signal.aborted &&
              !isHardwareError(controller.signal.reason, HardwareErrorKind.TIMEOUT);
            const state = stateOfFailure(error, cancelled);
            const appError = cancelled ? cancelledError(row) : fromAdapterError(error);
            if (state === 'timed_out' || state === 'cancelled') {
              // A reply may still come for the abandoned command: a fresh connection keeps it
              // from being read as the answer to the next one.
              await hardware
                .runtime()
                .closeDevice({ adapter: device.adapter, deviceId: device.address })
                .catch(() => {});
            }
            endWithoutWaiting(finish(row, state, { error: appError }, facts));
          } finally {
            clearTimeout(timer);
          }
        } catch (error) {
          logger.error({ err: error, execution: nameOf(row) }, 'command execution failed to record');
          done(row);
        } finally {
          await lock.release(lease).catch(() => false);
        }
      },
    };
    try {
      queue.push(job);
    } catch (error) {
      live.delete(row.id);
      throw error;
    }
    return ended;
  }

  /** Waits for `row` to end: in memory when this node runs it, else by reading the store. */
  async function waitForEnd(row: Execution, signal: AbortSignal): Promise<Execution> {
    let current = row;
    while (!TERMINAL_STATES.has(current.state)) {
      const local = live.get(current.id);
      if (local !== undefined) {
        const aborted = new Promise<undefined>((resolve) =>
          signal.addEventListener('abort', () => resolve(undefined), { once: true }),
        );
        const ended = await Promise.race([local.ended, aborted]);
        if (ended === undefined) throw callerGone();
        return ended;
      }
      if (signal.aborted) throw callerGone();
      await new Promise((resolve) => setTimeout(resolve, STORE_POLL_MS));
      current = await load(current.device, current.id);
    }
    return current;
  }

  return {
    enqueue,
    waitForEnd,
    /** Cancels an execution this node holds (waiting or running); undefined when it holds none. */
    cancel(id: string): Promise<Execution> | undefined {
      const local = live.get(id);
      if (local === undefined) return undefined;
      if (!queue.remove(id)) local.controller.abort();
      return local.ended;
    },
    /** Stops taking work; waiting rows stay QUEUED and running ones RUNNING, for the next start. */
    close(): void {
      closing = true;
      queue.close();
      for (const { controller } of live.values()) {
        controller.abort(new HardwareError(HardwareErrorKind.UNAVAILABLE, 'the server is stopping'));
      }
    },
  };
}

function callerGone(): AppError {
  return new AppError(
    Code.CANCELLED,
    DeviceReason.CALLER_GONE,
    'the call ended before the command did; the command goes on',
  );
}
