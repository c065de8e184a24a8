/**
 * The part of the `usb` package (2.x, the libusb binding) the adapter uses, typed here so
 * tests can inject a fake with the same shapes: the plain `getDeviceList()` (never the WebUSB
 * wrapper, which opens every device while listing and silently drops those it cannot open),
 * `usb.on('attach' | 'detach')`, devices opened on demand, interfaces, endpoints and
 * cancellable transfers. Failures are `LibUSBException`s: an Error whose message is libusb's
 * error name (`LIBUSB_ERROR_ACCESS`, `LIBUSB_TRANSFER_NO_DEVICE`) and `errno` its code.
 */

export type UsbCallback<T> = (error: Error | undefined, value?: T) => void;

export interface UsbTransfer {
  submit(
    buffer: Buffer,
    callback?: (error: Error | undefined, buffer: Buffer, actualLength: number) => void,
  ): UsbTransfer;
  /** True when the transfer was pending and is now cancelled (its callback gets LIBUSB_TRANSFER_CANCELLED). */
  cancel(): boolean;
}

export interface UsbEndpoint {
  address: number;
  direction: 'in' | 'out';
  /** LIBUSB_TRANSFER_TYPE_*: 2 bulk, 3 interrupt. */
  transferType: number;
  descriptor: { wMaxPacketSize: number };
  /** A transfer with its own timeout (0: none; the runtime owns timeouts). */
  makeTransfer(
    timeout: number,
    callback: (error: Error | undefined, buffer: Buffer, actualLength: number) => void,
  ): UsbTransfer;
}

export interface UsbInterface {
  interfaceNumber: number;
  endpoints: UsbEndpoint[];
  claim(): void;
  release(closeEndpoints: boolean, callback?: (error?: Error) => void): void;
  isKernelDriverActive(): boolean;
  detachKernelDriver(): void;
  attachKernelDriver(): void;
}

export interface UsbDevice {
  busNumber: number;
  deviceAddress: number;
  portNumbers: number[];
  deviceDescriptor: {
    idVendor: number;
    idProduct: number;
    iSerialNumber: number;
    iProduct: number;
    bDeviceClass: number;
  };
  /** Set once the device is open. */
  interfaces: UsbInterface[] | undefined;
  open(defaultConfig?: boolean): void;
  close(): void;
  controlTransfer(
    bmRequestType: number,
    bRequest: number,
    wValue: number,
    wIndex: number,
    dataOrLength: number | Buffer,
    callback: (error: Error | undefined, result?: Buffer | number) => void,
  ): unknown;
  getStringDescriptor(index: number, callback: (error?: Error, value?: string) => void): void;
}

/** The usb module as the adapter sees it. */
export interface UsbNative {
  getDeviceList(): UsbDevice[];
  usb: {
    on(event: 'attach' | 'detach', listener: (device: UsbDevice) => void): unknown;
    removeListener(event: 'attach' | 'detach', listener: (device: UsbDevice) => void): unknown;
  };
}

/** Loads the real `usb` (CommonJS: its exports may arrive as `default`). */
export async function loadUsb(): Promise<UsbNative> {
  const loaded = (await import('usb')) as unknown as UsbNative & { default?: UsbNative };
  return loaded.default?.getDeviceList ? loaded.default : loaded;
}

/** libusb's transfer types, as the binding exports them. */
export const TRANSFER_TYPE = { bulk: 2, interrupt: 3 } as const;
