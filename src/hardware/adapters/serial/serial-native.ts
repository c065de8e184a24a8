/**
 * The part of serialport 13 the adapter uses, typed here so tests can inject the real stream
 * over `@serialport/binding-mock` (or a binding that fails like real hardware): `list()`, and
 * a `SerialPortStream` opened with settings. A disconnect shows as a `close` event whose error
 * has `disconnected: true`.
 */

/** One entry of `SerialPort.list()`. */
export interface SerialPortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  pnpId?: string | undefined;
  locationId?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

/** Line settings of an opened port. */
export interface SerialOpenOptions {
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  stopBits?: 1 | 1.5 | 2;
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  autoOpen: false;
}

/** The stream a port is (serialport's `SerialPortStream`, a Duplex). */
export interface SerialStream {
  open(callback: (error: Error | null) => void): void;
  write(data: Buffer, callback?: (error: Error | null | undefined) => void): boolean;
  drain(callback: (error: Error | null) => void): void;
  close(callback?: (error: Error | null) => void): void;
  readonly isOpen: boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: (error?: (Error & { disconnected?: boolean }) | null) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** serialport as the adapter sees it. */
export interface SerialNative {
  list(): Promise<SerialPortInfo[]>;
  open(options: SerialOpenOptions): SerialStream;
}

/** Loads the real serialport (its native bindings load with it). */
export async function loadSerialPort(): Promise<SerialNative> {
  const { SerialPort } = await import('serialport');
  return {
    list: () => SerialPort.list(),
    open: (options) => new SerialPort(options) as unknown as SerialStream,
  };
}
