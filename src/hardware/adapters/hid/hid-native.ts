/**
 * The part of node-hid's async API the adapter uses, typed here so tests can inject a fake
 * with the same shapes (node-hid 3: `devicesAsync`, `HIDAsync.open`; the sync API is never used,
 * it blocks the event loop).
 */

/** One entry of `devicesAsync()`. */
export interface HidDeviceDescriptor {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  release: number;
  interface: number;
  usagePage?: number | undefined;
  usage?: number | undefined;
}

/** An open `HIDAsync` device. */
export interface HidHandle {
  close(): Promise<void>;
  /** Resolves with the next input report, or an empty buffer when `timeoutMs` passed without one. */
  read(timeoutMs?: number): Promise<Buffer | undefined>;
  /** Writes an output report; byte 0 is the report id (0 when the device uses none). Resolves bytes written. */
  write(values: number[] | Buffer): Promise<number>;
  /** Sends a feature report; byte 0 is the report id. */
  sendFeatureReport(data: number[] | Buffer): Promise<number>;
  /** Reads feature report `reportId`, up to `length` bytes (the report id included). */
  getFeatureReport(reportId: number, length: number): Promise<Buffer>;
}

/** The node-hid module as the adapter sees it. */
export interface HidNative {
  devicesAsync(): Promise<HidDeviceDescriptor[]>;
  HIDAsync: { open(path: string, options?: { nonExclusive?: boolean }): Promise<HidHandle> };
}

/** Loads the real node-hid (a CommonJS module: its exports arrive as `default`). */
export async function loadNodeHid(): Promise<HidNative> {
  const loaded = (await import('node-hid')) as unknown as HidNative & { default?: HidNative };
  return loaded.default ?? loaded;
}
