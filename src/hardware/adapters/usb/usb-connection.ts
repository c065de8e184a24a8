/**
 * An open USB device: control, bulk and interrupt transfers. Interfaces are claimed on first
 * use; a kernel driver holding one is detached only when the allow-list entry says so, and is
 * re-attached on close. Bulk and interrupt transfers are real libusb transfers cancelled when
 * their signal fires; control transfers cannot be cancelled and are abandoned instead.
 */
import {
  abortError,
  type DeviceConnection,
  HardwareError,
  HardwareErrorKind,
  type IoRequest,
  raceAbort,
  throwIfAborted,
} from '../../index.ts';
import { fromUsbError } from './from-usb-error.ts';
import {
  TRANSFER_TYPE,
  type UsbDevice,
  type UsbEndpoint,
  type UsbInterface,
  type UsbTransfer,
} from './usb-native.ts';
import { MAX_USB_TRANSFER_BYTES, type UsbTarget, usbReadLength, usbTarget } from './usb-target.ts';

export interface UsbConnectionContext {
  readonly deviceId: string;
  /** From the allow-list entry: may a kernel driver be detached to claim an interface? */
  readonly detachKernelDriver: boolean;
  onClose(connection: UsbConnection): void;
}

export class UsbConnection implements DeviceConnection {
  private readonly closing = new AbortController();
  private readonly claimed = new Map<number, { iface: UsbInterface; detached: boolean }>();
  private readonly inFlight = new Set<UsbTransfer>();

  constructor(
    private readonly device: UsbDevice,
    private readonly context: UsbConnectionContext,
  ) {}

  async read(request: IoRequest, signal: AbortSignal): Promise<Uint8Array> {
    const target = usbTarget(request, 'in');
    const length = usbReadLength(request);
    const scope = this.scope(signal, 'read');
    if (target.kind === 'control') {
      const result = await this.control(target, length, scope);
      return new Uint8Array(Buffer.isBuffer(result) ? result : Buffer.alloc(0));
    }
    return new Uint8Array(await this.transfer(target, Buffer.alloc(length), scope, 'read'));
  }

  async write(data: Uint8Array, request: IoRequest, signal: AbortSignal): Promise<void> {
    const target = usbTarget(request, 'out');
    if (data.length > MAX_USB_TRANSFER_BYTES) {
      throw new HardwareError(
        HardwareErrorKind.INVALID_REQUEST,
        `a USB transfer carries at most ${MAX_USB_TRANSFER_BYTES} bytes`,
      );
    }
    const scope = this.scope(signal, 'write');
    const buffer = Buffer.from(data);
    if (target.kind === 'control') {
      const sent = await this.control(target, buffer, scope);
      if (typeof sent === 'number' && sent < buffer.length) throw this.shortWrite(sent, buffer.length);
      return;
    }
    await this.transfer(target, buffer, scope, 'write');
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort(
      new HardwareError(
        HardwareErrorKind.CANCELLED,
        `connection to USB device ${this.context.deviceId} was closed`,
      ),
    );
    this.context.onClose(this);
    for (const transfer of this.inFlight) transfer.cancel();
    for (const { iface, detached } of this.claimed.values()) {
      await new Promise<void>((resolve) => iface.release(true, () => resolve()));
      if (detached) attempt(() => iface.attachKernelDriver());
    }
    this.claimed.clear();
    attempt(() => this.device.close());
  }

  private scope(signal: AbortSignal, what: string): AbortSignal {
    const scope = AbortSignal.any([signal, this.closing.signal]);
    throwIfAborted(scope, `${what} on USB device ${this.context.deviceId}`);
    return scope;
  }

  private control(
    target: Extract<UsbTarget, { kind: 'control' }>,
    dataOrLength: number | Buffer,
    scope: AbortSignal,
  ) {
    const { bmRequestType, bRequest, wValue, wIndex } = target;
    const work = new Promise<Buffer | number | undefined>((resolve, reject) => {
      try {
        this.device.controlTransfer(bmRequestType, bRequest, wValue, wIndex, dataOrLength, (error, result) =>
          error ? reject(fromUsbError(error, this.context.deviceId, 'control transfer')) : resolve(result),
        );
      } catch (error) {
        reject(fromUsbError(error, this.context.deviceId, 'control transfer'));
      }
    });
    return raceAbort(work, scope, `control transfer on USB device ${this.context.deviceId}`);
  }

  private transfer(
    target: Extract<UsbTarget, { kind: 'bulk' | 'interrupt' }>,
    buffer: Buffer,
    scope: AbortSignal,
    what: string,
  ) {
    const endpoint = this.endpoint(target);
    return new Promise<Buffer>((resolve, reject) => {
      const onAbort = () => transfer.cancel();
      const transfer = endpoint.makeTransfer(0, (error, data, actual) => {
        scope.removeEventListener('abort', onAbort);
        this.inFlight.delete(transfer);
        if (error && scope.aborted)
          reject(abortError(scope, `${what} on USB device ${this.context.deviceId}`));
        else if (error) reject(fromUsbError(error, this.context.deviceId, `${target.kind} ${what}`));
        else if (endpoint.direction === 'out' && actual < buffer.length)
          reject(this.shortWrite(actual, buffer.length));
        else resolve(data.subarray(0, actual));
      });
      try {
        transfer.submit(buffer);
      } catch (error) {
        reject(fromUsbError(error, this.context.deviceId, `${target.kind} ${what}`));
        return;
      }
      this.inFlight.add(transfer);
      scope.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Finds the endpoint and claims its interface on first use. */
  private endpoint(target: Extract<UsbTarget, { kind: 'bulk' | 'interrupt' }>): UsbEndpoint {
    for (const iface of this.device.interfaces ?? []) {
      const endpoint = iface.endpoints.find((candidate) => candidate.address === target.endpoint);
      if (endpoint === undefined) continue;
      if (endpoint.transferType !== TRANSFER_TYPE[target.kind]) {
        throw new HardwareError(
          HardwareErrorKind.INVALID_REQUEST,
          `USB endpoint 0x${target.endpoint.toString(16)} is not a ${target.kind} endpoint`,
        );
      }
      this.claim(iface);
      return endpoint;
    }
    throw new HardwareError(
      HardwareErrorKind.NOT_SUPPORTED,
      `USB device ${this.context.deviceId} has no endpoint 0x${target.endpoint.toString(16)}`,
    );
  }

  private claim(iface: UsbInterface): void {
    if (this.claimed.has(iface.interfaceNumber)) return;
    let detached = false;
    try {
      if (iface.isKernelDriverActive()) {
        if (!this.context.detachKernelDriver) {
          throw new HardwareError(
            HardwareErrorKind.DEVICE_BUSY,
            `a kernel driver holds interface ${iface.interfaceNumber} of USB device ${this.context.deviceId}; its allow-list entry does not permit detaching it`,
          );
        }
        iface.detachKernelDriver();
        detached = true;
      }
      iface.claim();
    } catch (error) {
      if (detached) attempt(() => iface.attachKernelDriver());
      throw fromUsbError(error, this.context.deviceId, `claim of interface ${iface.interfaceNumber}`);
    }
    this.claimed.set(iface.interfaceNumber, { iface, detached });
  }

  private shortWrite(sent: number, wanted: number): HardwareError {
    return new HardwareError(
      HardwareErrorKind.IO_ERROR,
      `short USB write on ${this.context.deviceId}: ${sent} of ${wanted} bytes`,
    );
  }
}

/** Runs a best-effort cleanup step whose failure changes nothing (the device may be gone). */
function attempt(step: () => void): void {
  try {
    step();
  } catch {
    // Nothing to do: releasing a vanished device fails, and that is fine.
  }
}
