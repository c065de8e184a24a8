/**
 * An open HID device. node-hid's native read cannot be cancelled, so input reads run in short
 * slices (`read(timeout)`); a read abandoned by its caller leaves its native read pending, and
 * the next read takes its report, so no input report is lost to a timeout.
 */
import {
  type DeviceConnection,
  HardwareError,
  HardwareErrorKind,
  type IoRequest,
  raceAbort,
  throwIfAborted,
} from '../../index.ts';
import { fromHidError } from './from-hid-error.ts';
import type { HidHandle } from './hid-native.ts';
import { hidReadTarget, hidWriteTarget, MAX_HID_REPORT_BYTES } from './hid-target.ts';

/** What a connection needs from its adapter. */
export interface HidConnectionContext {
  readonly deviceId: string;
  /** Time one native input read may block before the connection checks its signal again. */
  readonly readSliceMs: number;
  /** Whether the device is still listed (decides DEVICE_ABSENT versus IO_ERROR). */
  isPresent(): Promise<boolean>;
  onClose(connection: HidConnection): void;
}

export class HidConnection implements DeviceConnection {
  private readonly closing = new AbortController();
  private pendingInput: Promise<Buffer | undefined> | undefined;

  constructor(
    private readonly handle: HidHandle,
    private readonly context: HidConnectionContext,
  ) {}

  async read(request: IoRequest, signal: AbortSignal): Promise<Uint8Array> {
    const target = hidReadTarget(request);
    const scope = AbortSignal.any([signal, this.closing.signal]);
    const what = `read on HID device ${this.context.deviceId}`;
    throwIfAborted(scope, what);
    try {
      if (target.kind === 'feature') {
        const report = this.handle.getFeatureReport(target.reportId, target.length);
        return new Uint8Array(await raceAbort(report, scope, what));
      }
      for (;;) {
        if (this.pendingInput === undefined) {
          this.pendingInput = this.handle.read(this.context.readSliceMs);
          this.pendingInput.catch(() => {}); // observed by whoever awaits it next
        }
        const report = await raceAbort(this.pendingInput, scope, what);
        this.pendingInput = undefined;
        if (report !== undefined && report.length > 0) return new Uint8Array(report);
        throwIfAborted(scope, what);
      }
    } catch (error) {
      if (!(error instanceof HardwareError)) this.pendingInput = undefined;
      throw await this.translate(error, 'read');
    }
  }

  async write(data: Uint8Array, request: IoRequest, signal: AbortSignal): Promise<void> {
    const target = hidWriteTarget(request);
    if (data.length > MAX_HID_REPORT_BYTES) {
      throw new HardwareError(
        HardwareErrorKind.INVALID_REQUEST,
        `a HID report carries at most ${MAX_HID_REPORT_BYTES} bytes`,
      );
    }
    const scope = AbortSignal.any([signal, this.closing.signal]);
    const what = `write on HID device ${this.context.deviceId}`;
    throwIfAborted(scope, what);
    const report = Buffer.concat([Buffer.of(target.reportId), data]);
    try {
      const sending =
        target.kind === 'feature' ? this.handle.sendFeatureReport(report) : this.handle.write(report);
      const written = await raceAbort(sending, scope, what);
      if (written < report.length) {
        throw new HardwareError(
          HardwareErrorKind.IO_ERROR,
          `short HID write on ${this.context.deviceId}: ${written} of ${report.length} bytes`,
        );
      }
    } catch (error) {
      throw await this.translate(error, 'write');
    }
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort(
      new HardwareError(
        HardwareErrorKind.CANCELLED,
        `connection to HID device ${this.context.deviceId} was closed`,
      ),
    );
    this.context.onClose(this);
    await this.handle.close().catch(() => {});
  }

  private async translate(error: unknown, what: string): Promise<HardwareError> {
    if (error instanceof HardwareError) return error;
    const present = await this.context.isPresent().catch(() => false);
    return fromHidError(error, this.context.deviceId, present, what);
  }
}
