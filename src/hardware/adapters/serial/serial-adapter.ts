/**
 * The serial adapter over serialport 13: list ports, open one with its line settings, frame
 * its bytes into lines or fixed-length frames, detect disconnects. A port is identified by its
 * OS path (on Linux, prefer the stable `/dev/serial/by-id/…` links). serialport has no hot-plug
 * events, so the runtime re-enumerates (`presence: 'polling'`).
 */
import {
  type Adapter,
  AVAILABLE,
  type Availability,
  availabilityFromLoadError,
  type DeviceConnection,
  type DeviceInfo,
  HardwareError,
  HardwareErrorKind,
  loadNative,
  raceAbort,
  UnavailableReason,
  unavailable,
} from '../../index.ts';
import { SerialConnection } from './serial-connection.ts';
import { createFramer, type SerialFraming } from './serial-framing.ts';
import {
  loadSerialPort,
  type SerialNative,
  type SerialOpenOptions,
  type SerialPortInfo,
} from './serial-native.ts';

/** Line settings and framing of one port. */
export interface SerialPortSettings {
  /** Default 9600. */
  readonly baudRate?: number;
  readonly dataBits?: SerialOpenOptions['dataBits'];
  readonly stopBits?: SerialOpenOptions['stopBits'];
  readonly parity?: SerialOpenOptions['parity'];
  /** Default lines ending in `\n`. */
  readonly framing?: SerialFraming;
}

/** Options of {@link createSerialAdapter}. */
export interface SerialAdapterOptions {
  /** Settings for every port without its own. */
  readonly defaults?: SerialPortSettings;
  /** Settings per port path. */
  readonly ports?: Readonly<Record<string, SerialPortSettings>>;
  /** Loads serialport; tests inject one over `@serialport/binding-mock`. Default `import('serialport')`. */
  readonly loadNative?: () => Promise<SerialNative>;
}

export class SerialAdapter implements Adapter {
  readonly name = 'serial';
  readonly presence = 'polling' as const;
  private native: SerialNative | undefined;
  private availability: Availability = unavailable(UnavailableReason.NOT_INITIALIZED, 'not initialized');
  private readonly connections = new Set<SerialConnection>();

  constructor(private readonly options: SerialAdapterOptions = {}) {
    for (const settings of [options.defaults, ...Object.values(options.ports ?? {})]) {
      if (settings?.framing) createFramer(settings.framing); // refuse a bad framing now, not at first open
      const baud = settings?.baudRate;
      if (baud !== undefined && (!Number.isInteger(baud) || baud < 50 || baud > 4_000_000)) {
        throw new HardwareError(
          HardwareErrorKind.INVALID_REQUEST,
          `baudRate must be an integer from 50 to 4000000, got ${baud}`,
        );
      }
    }
  }

  async initialize(): Promise<void> {
    const loaded = await loadNative('serialport', this.options.loadNative ?? loadSerialPort);
    if (loaded.module === undefined) {
      this.availability = loaded.availability;
      return;
    }
    try {
      await loaded.module.list(); // on Linux listing needs udevadm; without it nothing can be found
      this.native = loaded.module;
      this.availability = AVAILABLE;
    } catch (error) {
      this.availability = availabilityFromLoadError(
        'serialport (listing ports needs udevadm on Linux)',
        error,
      );
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
    return (await this.list(signal)).map(describe);
  }

  async open(deviceId: string, signal: AbortSignal): Promise<DeviceConnection> {
    const native = this.ready();
    if (!(await this.list(signal)).some((port) => port.path === deviceId)) {
      throw new HardwareError(HardwareErrorKind.DEVICE_ABSENT, `no serial port "${deviceId}" is present`, {
        adapter: this.name,
        device: deviceId,
      });
    }
    const settings = { ...this.options.defaults, ...this.options.ports?.[deviceId] };
    const port = native.open({
      path: deviceId,
      baudRate: settings.baudRate ?? 9600,
      ...(settings.dataBits ? { dataBits: settings.dataBits } : {}),
      ...(settings.stopBits ? { stopBits: settings.stopBits } : {}),
      ...(settings.parity ? { parity: settings.parity } : {}),
      autoOpen: false,
    });
    const opening = new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(error) : resolve())),
    );
    try {
      await raceAbort(opening, signal, `open of ${deviceId}`);
    } catch (error) {
      // Given up while opening: a port that still opens must be closed, not leaked.
      opening.then(() => port.close()).catch(() => {});
      throw fromOpenError(error, deviceId);
    }
    const connection = new SerialConnection(port, createFramer(settings.framing), deviceId, (closed) =>
      this.connections.delete(closed),
    );
    this.connections.add(connection);
    return connection;
  }

  private ready(): SerialNative {
    if (this.native === undefined) {
      const reason = this.availability.ok ? 'not initialized' : this.availability.message;
      throw new HardwareError(HardwareErrorKind.UNAVAILABLE, `the serial adapter is unavailable: ${reason}`);
    }
    return this.native;
  }

  private async list(signal: AbortSignal): Promise<SerialPortInfo[]> {
    try {
      return await raceAbort(this.ready().list(), signal, 'serial discovery');
    } catch (error) {
      if (error instanceof HardwareError) throw error;
      throw new HardwareError(HardwareErrorKind.IO_ERROR, 'serial port listing failed', {
        adapter: this.name,
        cause: error,
      });
    }
  }
}

function describe(port: SerialPortInfo): DeviceInfo {
  const hex = (value: string | undefined) =>
    value && /^[0-9a-fA-F]{1,4}$/.test(value) ? Number.parseInt(value, 16) : undefined;
  const vendorId = hex(port.vendorId);
  const productId = hex(port.productId);
  const attributes: Record<string, string> = { path: port.path };
  for (const key of ['manufacturer', 'pnpId', 'locationId'] as const) {
    const value = port[key];
    if (value) attributes[key] = value;
  }
  return {
    id: port.path,
    name: port.manufacturer ? `${port.manufacturer} serial port` : `serial port ${port.path}`,
    ...(vendorId !== undefined ? { vendorId } : {}),
    ...(productId !== undefined ? { productId } : {}),
    ...(port.serialNumber ? { serialNumber: port.serialNumber } : {}),
    availability: AVAILABLE,
    attributes,
  };
}

/** Maps an open failure (bindings-cpp: "Error: <strerror>, cannot open <path>") to a kind. */
function fromOpenError(error: unknown, deviceId: string): HardwareError {
  if (error instanceof HardwareError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const facts = { adapter: 'serial', device: deviceId, cause: error };
  if (/permission denied|EACCES/i.test(text)) {
    return new HardwareError(
      HardwareErrorKind.PERMISSION_DENIED,
      `serial port ${deviceId}: permission denied (is the user in the dialout group?)`,
      facts,
    );
  }
  if (/busy|lock|in use/i.test(text)) {
    return new HardwareError(
      HardwareErrorKind.DEVICE_BUSY,
      `serial port ${deviceId} is in use elsewhere`,
      facts,
    );
  }
  if (/no such file|ENOENT|does not exist/i.test(text)) {
    return new HardwareError(HardwareErrorKind.DEVICE_ABSENT, `serial port ${deviceId} is gone`, facts);
  }
  return new HardwareError(
    HardwareErrorKind.IO_ERROR,
    `serial port ${deviceId} could not be opened: ${text.slice(0, 160)}`,
    facts,
  );
}

/** Creates the serial adapter; nothing is loaded until `initialize()`. */
export function createSerialAdapter(options: SerialAdapterOptions = {}): SerialAdapter {
  return new SerialAdapter(options);
}
