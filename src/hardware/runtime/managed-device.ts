/**
 * One device under the runtime's policy: opened lazily, a bounded FIFO queue, a timeout per
 * attempt, retries for reads only, consecutive-failure counting that marks it DOWN, and a
 * periodic probe that brings it back UP.
 */
import { abortableDelay, raceAbort } from '../abort.ts';
import type { Adapter, DeviceConnection } from '../adapter.ts';
import { isProbeable } from '../capabilities.ts';
import {
  HardwareError,
  HardwareErrorKind,
  HEALTH_KINDS,
  RETRYABLE_KINDS,
  toHardwareError,
} from '../hardware-error.ts';
import { createDeviceQueue, type DeviceQueue } from './device-queue.ts';
import { createOperationSignal } from './operation-signal.ts';
import type { ResolvedRuntimeOptions } from './runtime-options.ts';

/** UP: usable. DOWN: refused at once with DEVICE_DOWN until a probe succeeds. */
export type HealthState = 'UP' | 'DOWN';

/** A device's health as the runtime sees it. */
export interface DeviceHealth {
  readonly state: HealthState;
  readonly consecutiveFailures: number;
  readonly lastError?: HardwareError;
}

/** What the runtime runs on a device: reads may be retried, writes (and exchanges) never. */
export type OperationKind = 'read' | 'write';

type Operation<T> = (connection: DeviceConnection, signal: AbortSignal) => Promise<T>;

/** Owns one device's connection, queue and health. */
export class ManagedDevice {
  readonly label: string;
  private readonly queue: DeviceQueue;
  private connection: Promise<DeviceConnection> | undefined;
  /** The connection once open, so the common path skips a promise race per call. */
  private openConnection: DeviceConnection | undefined;
  private state: HealthState = 'UP';
  private failures = 0;
  private lastError: HardwareError | undefined;
  private probeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly adapter: Adapter,
    readonly deviceId: string,
    private readonly policy: ResolvedRuntimeOptions,
    private readonly shutdown: AbortSignal,
    private readonly onHealth: (health: DeviceHealth) => void,
  ) {
    this.label = `${adapter.name}/${deviceId}`;
    this.queue = createDeviceQueue(policy.queueDepth, this.label);
  }

  /** The device's current health. */
  health(): DeviceHealth {
    const base = { state: this.state, consecutiveFailures: this.failures };
    return this.lastError === undefined ? base : { ...base, lastError: this.lastError };
  }

  /** Runs `operation` in the device's queue under the runtime's policy. */
  run<T>(kind: OperationKind, operation: Operation<T>, callerSignal: AbortSignal): Promise<T> {
    if (this.state === 'DOWN') return Promise.reject(this.downError());
    return this.queue.run(() => this.attempt(kind, operation, callerSignal, 0), callerSignal);
  }

  /** Closes the connection (any read in flight rejects CANCELLED); the next operation reopens. */
  async disconnect(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.openConnection = undefined;
    if (connection !== undefined) await connection.then((open) => open.close()).catch(() => {});
  }

  /** Stops probing, refuses waiting operations and closes the connection. */
  async close(reason: HardwareError): Promise<void> {
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    this.queue.drain(reason);
    await this.disconnect();
  }

  private async attempt<T>(
    kind: OperationKind,
    operation: Operation<T>,
    caller: AbortSignal,
    tried: number,
  ): Promise<T> {
    const what = `${kind} on ${this.label}`;
    const scope = createOperationSignal([caller, this.shutdown], this.policy.timeoutMs, what);
    let work: Promise<T> | undefined;
    try {
      const connection =
        this.openConnection ?? (await raceAbort(this.open(scope.signal), scope.signal, what));
      work = operation(connection, scope.signal);
      const result = await raceAbort(work, scope.signal, what);
      this.recordSuccess();
      return result;
    } catch (thrown) {
      const error = toHardwareError(thrown, { adapter: this.adapter.name, device: this.deviceId });
      if (work !== undefined) await this.settleOrAbandon(work);
      if (caller.aborted || this.shutdown.aborted) throw error;
      // A vanished device's handle is dead; an I/O error may be one bad report, so the link is kept.
      if (error.kind === HardwareErrorKind.DEVICE_ABSENT) await this.disconnect();
      this.recordFailure(error);
      const retry = kind === 'read' && RETRYABLE_KINDS.has(error.kind) && tried < this.policy.readRetries;
      if (!retry || this.state === 'DOWN') throw error;
      await abortableDelay(this.policy.retryDelayMs * 2 ** tried, caller);
      return this.attempt(kind, operation, caller, tried + 1);
    } finally {
      scope.dispose();
    }
  }

  /**
   * Keeps the device's slot until the adapter has really given the operation up, so there is
   * never a second operation in flight. An adapter that ignores its aborted signal for longer
   * than `abandonGraceMs` has its connection closed under it (which ends any read in flight).
   */
  private async settleOrAbandon(work: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const settled = work.then(
      () => true,
      () => true,
    );
    const graceOver = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.policy.abandonGraceMs);
    });
    const inTime = await Promise.race([settled, graceOver]);
    clearTimeout(timer);
    if (!inTime) await this.disconnect();
  }

  private open(signal: AbortSignal): Promise<DeviceConnection> {
    if (this.connection === undefined) {
      const opening = this.adapter.open(this.deviceId, signal);
      this.connection = opening;
      opening.then(
        (connection) => {
          if (this.connection === opening) this.openConnection = connection;
        },
        () => {
          if (this.connection === opening) this.connection = undefined;
        },
      );
    }
    return this.connection;
  }

  private recordSuccess(): void {
    this.failures = 0;
    this.lastError = undefined;
  }

  private recordFailure(error: HardwareError): void {
    if (!HEALTH_KINDS.has(error.kind)) return;
    this.failures += 1;
    this.lastError = error;
    if (this.state === 'UP' && this.failures >= this.policy.failureThreshold) this.markDown();
  }

  private markDown(): void {
    this.state = 'DOWN';
    this.queue.drain(this.downError());
    void this.disconnect();
    this.onHealth(this.health());
    this.probeTimer = setInterval(() => void this.probe(), this.policy.probeIntervalMs);
    this.probeTimer.unref();
  }

  private probing = false;

  private async probe(): Promise<void> {
    if (this.probing || this.state === 'UP' || this.shutdown.aborted) return;
    this.probing = true;
    const scope = createOperationSignal([this.shutdown], this.policy.timeoutMs, `probe of ${this.label}`);
    try {
      const connection = await raceAbort(this.open(scope.signal), scope.signal);
      if (isProbeable(connection)) await raceAbort(connection.probe(scope.signal), scope.signal);
      clearInterval(this.probeTimer);
      this.probeTimer = undefined;
      this.state = 'UP';
      this.recordSuccess();
      this.onHealth(this.health());
    } catch (error) {
      this.lastError = toHardwareError(error, { adapter: this.adapter.name, device: this.deviceId });
      await this.disconnect();
    } finally {
      scope.dispose();
      this.probing = false;
    }
  }

  private downError(): HardwareError {
    const cause = this.lastError === undefined ? '' : `: ${this.lastError.message}`;
    return new HardwareError(
      HardwareErrorKind.DEVICE_DOWN,
      `device ${this.label} is DOWN after ${this.failures} consecutive failures${cause}`,
      { adapter: this.adapter.name, device: this.deviceId },
    );
  }
}
