/**
 * A fake of the `usb` package (2.x) at the native boundary, with its real shapes and failure
 * modes: `getDeviceList()`, `usb.on('attach' | 'detach')`, `open()` throwing
 * LIBUSB_ERROR_ACCESS for a device without permission, transfers completing with
 * LIBUSB_TRANSFER_NO_DEVICE when unplugged, LIBUSB_TRANSFER_CANCELLED when cancelled,
 * LIBUSB_TRANSFER_TIMED_OUT after their own timeout, and claim() failing LIBUSB_ERROR_BUSY
 * while a kernel driver is bound. Each fake device loops bulk OUT 0x01 back to bulk IN 0x81;
 * control OUT requests store their data, control IN with the same bRequest reads it back.
 */
import { EventEmitter } from 'node:events';
import type {
  UsbDevice,
  UsbEndpoint,
  UsbInterface,
  UsbNative,
  UsbTransfer,
} from '../../../../src/hardware/adapters/usb/index.ts';

const ERRNO: Record<string, number> = {
  LIBUSB_ERROR_ACCESS: -3,
  LIBUSB_ERROR_NO_DEVICE: -4,
  LIBUSB_ERROR_BUSY: -6,
  LIBUSB_TRANSFER_TIMED_OUT: 2,
  LIBUSB_TRANSFER_CANCELLED: 3,
  LIBUSB_TRANSFER_NO_DEVICE: 5,
};
/** A LibUSBException as the binding builds it: message = libusb_error_name, errno = the code. */
export const libusbError = (name: string) => Object.assign(new Error(name), { errno: ERRNO[name] ?? -99 });

type Done = (error: Error | undefined, buffer: Buffer, actual: number) => void;

export class FakeUsbDevice implements UsbDevice {
  interfaces: UsbInterface[] | undefined;
  deviceAddress = 7;
  denied = false;
  gone = false;
  kernelDriver = false;
  detachedByHost = false;
  readonly looped: Buffer[] = [];
  readonly control = new Map<number, Buffer>();
  readonly pendingIn = new Set<{ buffer: Buffer; done: Done }>();
  readonly deviceDescriptor;

  constructor(
    readonly busNumber: number,
    readonly portNumbers: number[],
    vendorId: number,
    productId: number,
    readonly serial: string | undefined,
  ) {
    this.deviceDescriptor = {
      idVendor: vendorId,
      idProduct: productId,
      iSerialNumber: serial ? 3 : 0,
      iProduct: 2,
      bDeviceClass: 0xff,
    };
  }

  open(defaultConfig = true): void {
    if (this.gone) throw libusbError('LIBUSB_ERROR_NO_DEVICE');
    if (this.denied) throw libusbError('LIBUSB_ERROR_ACCESS');
    this.interfaces = defaultConfig === false ? [] : [this.makeInterface()];
  }

  close(): void {
    this.interfaces = undefined;
  }

  controlTransfer(
    bmRequestType: number,
    bRequest: number,
    _wValue: number,
    _wIndex: number,
    dataOrLength: number | Buffer,
    callback: (error: Error | undefined, result?: Buffer | number) => void,
  ) {
    setImmediate(() => {
      if (this.gone) return callback(libusbError('LIBUSB_ERROR_NO_DEVICE'));
      if (bmRequestType & 0x80) {
        const stored = this.control.get(bRequest) ?? Buffer.alloc(0);
        return callback(undefined, stored.subarray(0, dataOrLength as number));
      }
      this.control.set(bRequest, Buffer.from(dataOrLength as Buffer));
      return callback(undefined, (dataOrLength as Buffer).length);
    });
    return this;
  }

  getStringDescriptor(index: number, callback: (error?: Error, value?: string) => void): void {
    setImmediate(() => {
      if (this.interfaces === undefined) return callback(libusbError('LIBUSB_ERROR_IO'));
      callback(undefined, index === 3 ? this.serial : 'Loopback');
    });
  }

  /** What unplugging does to transfers in flight. */
  vanish(): void {
    this.gone = true;
    for (const pending of this.pendingIn)
      pending.done(libusbError('LIBUSB_TRANSFER_NO_DEVICE'), pending.buffer, 0);
    this.pendingIn.clear();
  }

  private makeInterface(): UsbInterface {
    const device = this;
    let claimed = false;
    const endpoint = (address: number, transferType: number): UsbEndpoint => ({
      address,
      direction: address & 0x80 ? 'in' : 'out',
      transferType,
      descriptor: { wMaxPacketSize: 64 },
      makeTransfer: (timeout, done): UsbTransfer => {
        let pending: { buffer: Buffer; done: Done } | undefined;
        const finish: Done = (error, buffer, actual) => {
          if (pending) device.pendingIn.delete(pending);
          pending = undefined;
          done(error, buffer, actual);
        };
        return {
          submit(buffer) {
            if (!claimed) throw libusbError('LIBUSB_ERROR_NOT_FOUND');
            if (device.gone) throw libusbError('LIBUSB_ERROR_NO_DEVICE');
            if (address & 0x80) {
              pending = { buffer, done: finish };
              device.pendingIn.add(pending);
              device.feed();
              if (timeout > 0)
                setTimeout(
                  () => pending && finish(libusbError('LIBUSB_TRANSFER_TIMED_OUT'), buffer, 0),
                  timeout,
                );
            } else {
              device.looped.push(Buffer.from(buffer));
              setImmediate(() => {
                finish(undefined, buffer, buffer.length);
                device.feed();
              });
            }
            return this;
          },
          cancel() {
            if (!pending) return false;
            const { buffer } = pending;
            setImmediate(() => finish(libusbError('LIBUSB_TRANSFER_CANCELLED'), buffer, 0));
            return true;
          },
        };
      },
    });
    return {
      interfaceNumber: 0,
      endpoints: [endpoint(0x01, 2), endpoint(0x81, 2), endpoint(0x82, 3)],
      claim() {
        if (device.kernelDriver) throw libusbError('LIBUSB_ERROR_BUSY');
        claimed = true;
      },
      release(_closeEndpoints, callback) {
        claimed = false;
        setImmediate(() => callback?.());
      },
      isKernelDriverActive: () => device.kernelDriver,
      detachKernelDriver() {
        device.kernelDriver = false;
        device.detachedByHost = true;
      },
      attachKernelDriver() {
        device.kernelDriver = true;
      },
    };
  }

  /** Completes waiting IN transfers with looped-back data. */
  feed(): void {
    for (const pending of [...this.pendingIn]) {
      const data = this.looped.shift();
      if (data === undefined) return;
      data.copy(pending.buffer);
      pending.done(undefined, pending.buffer, Math.min(data.length, pending.buffer.length));
    }
  }
}

export class FakeUsb {
  readonly devices: FakeUsbDevice[] = [];
  readonly events = new EventEmitter();

  plug(device: FakeUsbDevice, announce = true): FakeUsbDevice {
    this.devices.push(device);
    if (announce) this.events.emit('attach', device);
    return device;
  }

  unplug(device: FakeUsbDevice): void {
    this.devices.splice(this.devices.indexOf(device), 1);
    device.vanish();
    this.events.emit('detach', device);
  }

  module(): UsbNative {
    return {
      getDeviceList: () => [...this.devices],
      usb: this.events as unknown as UsbNative['usb'],
    };
  }
}
