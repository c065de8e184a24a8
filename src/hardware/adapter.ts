/**
 * The adapter contract (EdgeX's ProtocolDriver, smaller): how hcs talks to one family of
 * devices. An adapter only moves bytes; the runtime owns every policy (queues, timeouts,
 * retries, health, polling, transforms), so a new adapter is a few small files.
 */
import type { Availability } from './availability.ts';

/** One device an adapter can see. `id` is stable across re-plugging and restarts where the bus allows. */
export interface DeviceInfo {
  /** Stable within the adapter (e.g. `usb` uses bus + port path + serial, never the address). */
  readonly id: string;
  /** Human-readable name (product string, model). */
  readonly name: string;
  readonly vendorId?: number;
  readonly productId?: number;
  readonly serialNumber?: string;
  /** Whether this device may be opened now (permission, allow-list); discovery lists it either way. */
  readonly availability: Availability;
  /** Adapter-specific facts worth showing (OS path, interface, usage page), as strings. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** What to read or write on an open device. */
export interface IoRequest {
  /**
   * Where on the device: adapter-specific and documented per adapter (HID `input`,
   * `feature:3`; USB `bulk:0x81`, `control:0xc0:1:0:0`). Omitted: the adapter's default channel.
   */
  readonly target?: string;
  /** Bytes wanted by a read when the adapter needs a size (HID feature report, USB IN transfer). */
  readonly length?: number;
}

/** A device came or went; `device` is its last known description. */
export interface PresenceEvent {
  readonly type: 'attach' | 'detach';
  readonly device: DeviceInfo;
}

/** An open device. Every I/O takes an AbortSignal and rejects with `CANCELLED`/`TIMEOUT` once it fires. */
export interface DeviceConnection {
  /** Reads one unit (report, transfer, line, frame); waits until one arrives or `signal` fires. */
  read(request: IoRequest, signal: AbortSignal): Promise<Uint8Array>;
  /** Writes `data` once. Never retried by anyone: the device may have acted. */
  write(data: Uint8Array, request: IoRequest, signal: AbortSignal): Promise<void>;
  /** Releases the device. Safe with a read in flight (that read rejects with CANCELLED); idempotent. */
  close(): Promise<void>;
}

/** One family of devices (simulated, HID, USB, serial). */
export interface Adapter {
  /** Short stable name: `simulated`, `hid`, `usb`, `serial`. */
  readonly name: string;
  /** How presence changes are learned: OS `events` (hot-plug), or the runtime's periodic re-`discover`. */
  readonly presence: 'events' | 'polling';
  /** Loads the native library. Never throws for a missing one: `available()` then says why. */
  initialize(): Promise<void>;
  /** Ok, or the reason this adapter cannot be used (DRIVER_MISSING, PERMISSION_DENIED, …). */
  available(): Availability;
  /** Begins reporting attach/detach to `onPresence` (adapters with `presence: 'events'`). */
  start(onPresence: (event: PresenceEvent) => void): Promise<void>;
  /** Stops watching and closes every connection it opened; `force` skips waiting for in-flight I/O. */
  stop(options?: { force?: boolean }): Promise<void>;
  /** Lists the devices present now. */
  discover(signal: AbortSignal): Promise<DeviceInfo[]>;
  /** Opens one device by `DeviceInfo.id`; DEVICE_ABSENT, PERMISSION_DENIED, NOT_ALLOWED or DEVICE_BUSY otherwise. */
  open(deviceId: string, signal: AbortSignal): Promise<DeviceConnection>;
}
