/**
 * The HID adapter over node-hid's async API. node-hid is imported lazily: a missing library
 * or hidraw permission makes this adapter (or one device) unavailable with the reason.
 * Devices off the allow-list are listed but never opened. node-hid has no hot-plug events,
 * so the runtime re-enumerates (`presence: 'polling'`).
 */
import {
  type Adapter,
  type AllowListEntry,
  type AllowListed,
  AVAILABLE,
  type Availability,
  availabilityFromLoadError,
  type DeviceConnection,
  type DeviceInfo,
  findAllowListEntry,
  formatUsbId,
  HardwareError,
  HardwareErrorKind,
  loadNative,
  raceAbort,
  UnavailableReason,
  unavailable,
  validateAllowList,
} from '../../index.ts';
import { fromHidError } from './from-hid-error.ts';
import { HidConnection } from './hid-connection.ts';
import { type HidDeviceDescriptor, type HidNative, loadNodeHid } from './hid-native.ts';

/** Options of {@link createHidAdapter}. */
export interface HidAdapterOptions {
  /** vendor:product ids hcs may open. Default empty: devices are listed, none opened. */
  readonly allowList?: readonly AllowListEntry[];
  /** Loads node-hid; tests inject a fake here. Default `import('node-hid')`. */
  readonly loadNative?: () => Promise<HidNative>;
  /** How long one native input read blocks before the signal is checked again. Default 100 ms. */
  readonly readSliceMs?: number;
}

/** `vvvv:pppp:<serial>:<interface>`, or `vvvv:pppp@<path>` for a device without a serial number. */
export function hidDeviceId(device: HidDeviceDescriptor): string {
  const usbId = formatUsbId(device.vendorId, device.productId);
  return device.serialNumber
    ? `${usbId}:${device.serialNumber}:${device.interface}`
    : `${usbId}@${device.path ?? ''}`;
}

export class HidAdapter implements Adapter, AllowListed {
  readonly name = 'hid';
  readonly presence = 'polling' as const;
  readonly allowList: readonly AllowListEntry[];
  private native: HidNative | undefined;
  private availability: Availability = unavailable(UnavailableReason.NOT_INITIALIZED, 'not initialized');
  private readonly connections = new Set<HidConnection>();
  private readonly load: () => Promise<HidNative>;
  private readonly readSliceMs: number;

  constructor(options: HidAdapterOptions = {}) {
    this.allowList = validateAllowList(options.allowList);
    this.load = options.loadNative ?? loadNodeHid;
    this.readSliceMs = options.readSliceMs ?? 100;
  }

  async initialize(): Promise<void> {
    const loaded = await loadNative('node-hid', this.load);
    if (loaded.module === undefined) {
      this.availability = loaded.availability;
      return;
    }
    try {
      await loaded.module.devicesAsync(); // the native binding loads on first use
      this.native = loaded.module;
      this.availability = AVAILABLE;
    } catch (error) {
      this.availability = availabilityFromLoadError('node-hid', error);
    }
  }

  available(): Availability {
    return this.availability;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    await Promise.all([...this.connections].map((connection) => connection.close()));
    this.native = undefined;
    this.availability = unavailable(UnavailableReason.NOT_INITIALIZED, 'stopped');
  }

  async discover(signal: AbortSignal): Promise<DeviceInfo[]> {
    return (await this.list(signal)).map((device) => this.describe(device));
  }

  async open(deviceId: string, signal: AbortSignal): Promise<DeviceConnection> {
    const native = this.ready();
    const device = (await this.list(signal)).find((candidate) => hidDeviceId(candidate) === deviceId);
    if (device?.path === undefined) {
      throw new HardwareError(HardwareErrorKind.DEVICE_ABSENT, `no HID device "${deviceId}" is connected`, {
        adapter: this.name,
        device: deviceId,
      });
    }
    if (findAllowListEntry(this.allowList, device.vendorId, device.productId) === undefined) {
      throw notAllowed(device, deviceId);
    }
    const path = device.path;
    let handle: Awaited<ReturnType<HidNative['HIDAsync']['open']>>;
    const opening = native.HIDAsync.open(path);
    try {
      handle = await raceAbort(opening, signal, `open of HID device ${deviceId}`);
    } catch (error) {
      // Given up while opening: a handle that still arrives must not leak.
      opening.then((late) => late.close()).catch(() => {});
      throw fromHidError(error, deviceId, true, 'open');
    }
    const connection = new HidConnection(handle, {
      deviceId,
      readSliceMs: this.readSliceMs,
      isPresent: async () => (await native.devicesAsync()).some((candidate) => candidate.path === path),
      onClose: (closed) => this.connections.delete(closed),
    });
    this.connections.add(connection);
    return connection;
  }

  private ready(): HidNative {
    if (this.native === undefined) {
      const reason = this.availability.ok ? 'not initialized' : this.availability.message;
      throw new HardwareError(HardwareErrorKind.UNAVAILABLE, `the HID adapter is unavailable: ${reason}`);
    }
    return this.native;
  }

  private async list(signal: AbortSignal): Promise<HidDeviceDescriptor[]> {
    const native = this.ready();
    try {
      return await raceAbort(native.devicesAsync(), signal, 'HID discovery');
    } catch (error) {
      if (error instanceof HardwareError) throw error;
      throw new HardwareError(HardwareErrorKind.IO_ERROR, 'HID discovery failed', {
        adapter: this.name,
        cause: error,
      });
    }
  }

  private describe(device: HidDeviceDescriptor): DeviceInfo {
    const allowed = findAllowListEntry(this.allowList, device.vendorId, device.productId) !== undefined;
    const attributes: Record<string, string> = {
      interface: String(device.interface),
      release: String(device.release),
    };
    if (device.path !== undefined) attributes.path = device.path;
    if (device.manufacturer) attributes.manufacturer = device.manufacturer;
    if (device.usagePage !== undefined) attributes.usagePage = String(device.usagePage);
    if (device.usage !== undefined) attributes.usage = String(device.usage);
    return {
      id: hidDeviceId(device),
      name: device.product || `HID ${formatUsbId(device.vendorId, device.productId)}`,
      vendorId: device.vendorId,
      productId: device.productId,
      ...(device.serialNumber ? { serialNumber: device.serialNumber } : {}),
      availability: allowed
        ? AVAILABLE
        : unavailable(UnavailableReason.NOT_ALLOWED, notAllowed(device).message),
      attributes,
    };
  }
}

function notAllowed(device: HidDeviceDescriptor, deviceId = hidDeviceId(device)): HardwareError {
  const usbId = formatUsbId(device.vendorId, device.productId);
  return new HardwareError(
    HardwareErrorKind.NOT_ALLOWED,
    `HID device ${deviceId} (${usbId}) is not on the HID allow-list`,
    {
      adapter: 'hid',
      device: deviceId,
    },
  );
}

/** Creates the HID adapter; nothing is loaded until `initialize()`. */
export function createHidAdapter(options: HidAdapterOptions = {}): HidAdapter {
  return new HidAdapter(options);
}
