/**
 * The USB adapter over the `usb` package's libusb binding. Devices are listed with the plain
 * `getDeviceList()` and opened only when needed, so a permission problem is one device's
 * reason, not a silent omission. A device is identified by bus + port path + vendor:product
 * (+ serial number when it has one), never by its address, which changes on every re-plug.
 * Hot-plug comes from libusb (`usb.on('attach' | 'detach')`).
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
  type PresenceEvent,
  throwIfAborted,
  UnavailableReason,
  unavailable,
  validateAllowList,
} from '../../index.ts';
import { fromUsbError } from './from-usb-error.ts';
import { UsbConnection } from './usb-connection.ts';
import { loadUsb, type UsbDevice, type UsbNative } from './usb-native.ts';

/** Options of {@link createUsbAdapter}. */
export interface UsbAdapterOptions {
  /** vendor:product ids hcs may open (and whether it may detach a kernel driver). Default empty. */
  readonly allowList?: readonly AllowListEntry[];
  /** Loads `usb`; tests inject a fake here. Default `import('usb')`. */
  readonly loadNative?: () => Promise<UsbNative>;
}

/** `<bus>-<port path>:<vvvv:pppp>`: where a device sits, stable across re-plugging into the same port. */
export function usbLocation(device: UsbDevice): string {
  const ports = device.portNumbers.length > 0 ? device.portNumbers.join('.') : '0';
  return `${device.busNumber}-${ports}:${formatUsbId(device.deviceDescriptor.idVendor, device.deviceDescriptor.idProduct)}`;
}

type SerialLookup = { serial: string | undefined } | { denied: HardwareError };

export class UsbAdapter implements Adapter, AllowListed {
  readonly name = 'usb';
  readonly presence = 'events' as const;
  readonly allowList: readonly AllowListEntry[];
  private native: UsbNative | undefined;
  private availability: Availability = unavailable(UnavailableReason.NOT_INITIALIZED, 'not initialized');
  private readonly serials = new Map<string, Promise<SerialLookup>>();
  private readonly known = new Map<string, DeviceInfo>();
  private readonly connections = new Set<UsbConnection>();
  private readonly load: () => Promise<UsbNative>;
  private listeners: { attach: (device: UsbDevice) => void; detach: (device: UsbDevice) => void } | undefined;

  constructor(options: UsbAdapterOptions = {}) {
    this.allowList = validateAllowList(options.allowList);
    this.load = options.loadNative ?? loadUsb;
  }

  async initialize(): Promise<void> {
    const loaded = await loadNative('usb (libusb)', this.load);
    if (loaded.module === undefined) {
      this.availability = loaded.availability;
      return;
    }
    try {
      loaded.module.getDeviceList(); // fails when libusb cannot initialise (no usbfs, no permission)
      this.native = loaded.module;
      this.availability = AVAILABLE;
    } catch (error) {
      this.availability = availabilityFromLoadError('libusb', error);
    }
  }

  available(): Availability {
    return this.availability;
  }

  async start(onPresence: (event: PresenceEvent) => void): Promise<void> {
    const native = this.ready();
    this.listeners = {
      attach: (device) => {
        void this.resolve(device).then((info) => onPresence({ type: 'attach', device: info }));
      },
      detach: (device) => {
        const location = usbLocation(device);
        this.serials.delete(location);
        const last = this.known.get(location) ?? this.describe(device, { serial: undefined });
        this.known.delete(location);
        onPresence({ type: 'detach', device: last });
      },
    };
    native.usb.on('attach', this.listeners.attach);
    native.usb.on('detach', this.listeners.detach);
  }

  async stop(): Promise<void> {
    if (this.native && this.listeners) {
      this.native.usb.removeListener('attach', this.listeners.attach);
      this.native.usb.removeListener('detach', this.listeners.detach);
    }
    this.listeners = undefined;
    await Promise.all([...this.connections].map((connection) => connection.close()));
    this.native = undefined;
    this.availability = unavailable(UnavailableReason.NOT_INITIALIZED, 'stopped');
  }

  async discover(signal: AbortSignal): Promise<DeviceInfo[]> {
    throwIfAborted(signal, 'USB discovery');
    return Promise.all(this.list().map((device) => this.resolve(device)));
  }

  async open(deviceId: string, signal: AbortSignal): Promise<DeviceConnection> {
    throwIfAborted(signal, `open of USB device ${deviceId}`);
    const devices = this.list();
    const infos = await Promise.all(devices.map((candidate) => this.resolve(candidate)));
    const device = devices[infos.findIndex((info) => info.id === deviceId)];
    if (device === undefined) {
      throw new HardwareError(HardwareErrorKind.DEVICE_ABSENT, `no USB device "${deviceId}" is connected`, {
        adapter: this.name,
        device: deviceId,
      });
    }
    const { idVendor, idProduct } = device.deviceDescriptor;
    const entry = findAllowListEntry(this.allowList, idVendor, idProduct);
    if (entry === undefined) {
      throw new HardwareError(
        HardwareErrorKind.NOT_ALLOWED,
        `USB device ${deviceId} is not on the USB allow-list`,
        {
          adapter: this.name,
          device: deviceId,
        },
      );
    }
    try {
      device.open();
    } catch (error) {
      throw fromUsbError(error, deviceId, 'open');
    }
    const connection = new UsbConnection(device, {
      deviceId,
      detachKernelDriver: entry.detachKernelDriver === true,
      onClose: (closed) => this.connections.delete(closed),
    });
    this.connections.add(connection);
    return connection;
  }

  private ready(): UsbNative {
    if (this.native === undefined) {
      const reason = this.availability.ok ? 'not initialized' : this.availability.message;
      throw new HardwareError(HardwareErrorKind.UNAVAILABLE, `the USB adapter is unavailable: ${reason}`);
    }
    return this.native;
  }

  private list(): UsbDevice[] {
    try {
      return this.ready().getDeviceList();
    } catch (error) {
      if (error instanceof HardwareError) throw error;
      throw new HardwareError(HardwareErrorKind.IO_ERROR, 'USB enumeration failed', {
        adapter: this.name,
        cause: error,
      });
    }
  }

  /** Describes a device, reading the serial number of an allow-listed one first (once per plug-in). */
  private async resolve(device: UsbDevice): Promise<DeviceInfo> {
    const { idVendor, idProduct } = device.deviceDescriptor;
    const allowed = findAllowListEntry(this.allowList, idVendor, idProduct) !== undefined;
    return this.describe(device, allowed ? await this.serialOf(device) : { serial: undefined });
  }

  private describe(device: UsbDevice, lookup: SerialLookup): DeviceInfo {
    const { idVendor, idProduct } = device.deviceDescriptor;
    const location = usbLocation(device);
    const allowed = findAllowListEntry(this.allowList, idVendor, idProduct) !== undefined;
    const serial = 'serial' in lookup ? lookup.serial : undefined;
    const availability = !allowed
      ? unavailable(
          UnavailableReason.NOT_ALLOWED,
          `USB ${formatUsbId(idVendor, idProduct)} is not on the USB allow-list`,
        )
      : 'denied' in lookup
        ? unavailable(UnavailableReason.PERMISSION_DENIED, lookup.denied.message)
        : AVAILABLE;
    const info: DeviceInfo = {
      id: serial ? `${location}:${serial}` : location,
      name: `USB ${formatUsbId(idVendor, idProduct)}`,
      vendorId: idVendor,
      productId: idProduct,
      ...(serial ? { serialNumber: serial } : {}),
      availability,
      attributes: {
        bus: String(device.busNumber),
        ports: device.portNumbers.join('.'),
        address: String(device.deviceAddress),
        class: String(device.deviceDescriptor.bDeviceClass),
      },
    };
    this.known.set(location, info);
    return info;
  }

  /**
   * The serial number, read by opening the device briefly (only allow-listed devices are ever
   * opened). A permission failure becomes the device's reason; the answer is kept until detach.
   */
  private serialOf(device: UsbDevice): Promise<SerialLookup> {
    const location = usbLocation(device);
    let lookup = this.serials.get(location);
    if (lookup === undefined) {
      lookup = readSerial(device, location);
      this.serials.set(location, lookup);
    }
    return lookup;
  }
}

async function readSerial(device: UsbDevice, location: string): Promise<SerialLookup> {
  const index = device.deviceDescriptor.iSerialNumber;
  if (index === 0) return { serial: undefined };
  try {
    device.open(false);
  } catch (error) {
    return { denied: fromUsbError(error, location, 'open') };
  }
  try {
    const serial = await new Promise<string | undefined>((resolve, reject) =>
      device.getStringDescriptor(index, (error, value) => (error ? reject(error) : resolve(value))),
    );
    return { serial };
  } catch {
    return { serial: undefined }; // a device that will not say its serial is still usable by location
  } finally {
    try {
      device.close();
    } catch {
      // already gone
    }
  }
}

/** Creates the USB adapter; nothing is loaded until `initialize()`. */
export function createUsbAdapter(options: UsbAdapterOptions = {}): UsbAdapter {
  return new UsbAdapter(options);
}
