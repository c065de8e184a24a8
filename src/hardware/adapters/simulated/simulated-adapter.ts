/**
 * The simulated adapter: a product feature, not a test double. It offers a bench of
 * instruments speaking the line protocol of `line-protocol.ts`, deterministic for one seed,
 * with configurable latency and injected faults, and plug/unplug controls that produce real
 * attach/detach events.
 */
import {
  type Adapter,
  AVAILABLE,
  type Availability,
  type DeviceConnection,
  type DeviceInfo,
  HardwareError,
  HardwareErrorKind,
  type PresenceEvent,
  throwIfAborted,
  UnavailableReason,
  unavailable,
} from '../../index.ts';
import { SimulatedConnection } from './simulated-connection.ts';
import { type SimulatedDeviceSpec, type SimulatedFaults, SimulatedUnit } from './simulated-unit.ts';

/** The bench a fresh install runs with: one of each model. */
export const DEFAULT_SIMULATED_DEVICES: readonly SimulatedDeviceSpec[] = [
  { id: 'sim-th-1', model: 'thermo-hygrometer' },
  { id: 'sim-relay-1', model: 'relay-board' },
  { id: 'sim-psu-1', model: 'power-supply' },
];

/** Options of {@link createSimulatedAdapter}. */
export interface SimulatedAdapterOptions {
  /** Seed of every generator (noise, dropouts, faults, jitter). Default 1. */
  readonly seed?: number;
  /** The instruments. Default {@link DEFAULT_SIMULATED_DEVICES}. */
  readonly devices?: readonly SimulatedDeviceSpec[];
  /** Delay before each reply. Default 0 (answered at once). */
  readonly latencyMs?: number;
  /** Extra random delay, up to this, added to each reply (order is kept). Default 0. */
  readonly jitterMs?: number;
  /** Faults for every device without its own. Default none. */
  readonly faults?: SimulatedFaults;
  /** Clock of the simulated physics (power supply settling, sensor drift). Default `Date.now`. */
  readonly now?: () => number;
}

/** The simulated adapter, with the controls a bench has: plug, unplug, faults. */
export class SimulatedAdapter implements Adapter {
  readonly name = 'simulated';
  readonly presence = 'events' as const;
  private readonly units = new Map<string, SimulatedUnit>();
  private readonly connections = new Set<SimulatedConnection>();
  private onPresence: ((event: PresenceEvent) => void) | undefined;
  private initialized = false;

  constructor(options: SimulatedAdapterOptions = {}) {
    const seed = options.seed ?? 1;
    for (const spec of options.devices ?? DEFAULT_SIMULATED_DEVICES) {
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(spec.id) || this.units.has(spec.id)) {
        throw new HardwareError(
          HardwareErrorKind.INVALID_REQUEST,
          `simulated device id "${spec.id}" is invalid or repeated`,
        );
      }
      const unit = new SimulatedUnit(
        spec.id,
        spec.model,
        seed,
        options.now ?? Date.now,
        checkDelay('latencyMs', spec.latencyMs ?? options.latencyMs ?? 0),
        checkDelay('jitterMs', options.jitterMs ?? 0),
        checkFaults(spec.faults ?? options.faults ?? {}),
        spec.sensor,
      );
      this.units.set(spec.id, unit);
    }
  }

  async initialize(): Promise<void> {
    this.initialized = true;
  }

  available(): Availability {
    return this.initialized ? AVAILABLE : unavailable(UnavailableReason.NOT_INITIALIZED, 'not initialized');
  }

  async start(onPresence: (event: PresenceEvent) => void): Promise<void> {
    this.onPresence = onPresence;
  }

  async stop(): Promise<void> {
    this.onPresence = undefined;
    this.initialized = false;
    const stopped = new HardwareError(HardwareErrorKind.CANCELLED, 'the simulated adapter stopped');
    for (const connection of [...this.connections]) connection.detach(stopped);
  }

  async discover(signal: AbortSignal): Promise<DeviceInfo[]> {
    throwIfAborted(signal, 'discovery');
    return [...this.units.values()].filter((unit) => unit.present).map(describe);
  }

  async open(deviceId: string, signal: AbortSignal): Promise<DeviceConnection> {
    throwIfAborted(signal, `open of ${deviceId}`);
    const unit = this.units.get(deviceId);
    if (unit === undefined || !unit.present) {
      throw new HardwareError(
        HardwareErrorKind.DEVICE_ABSENT,
        `no simulated device "${deviceId}" is plugged in`,
        {
          adapter: this.name,
          device: deviceId,
        },
      );
    }
    const connection = new SimulatedConnection(unit, (closed) => this.connections.delete(closed));
    this.connections.add(connection);
    return connection;
  }

  /** Unplugs a device: its reads in flight fail DEVICE_ABSENT and a detach event follows. */
  unplug(deviceId: string): void {
    const unit = this.unit(deviceId);
    if (!unit.present) return;
    unit.present = false;
    const gone = new HardwareError(
      HardwareErrorKind.DEVICE_ABSENT,
      `simulated device ${deviceId} was unplugged`,
    );
    for (const connection of [...this.connections])
      if (connection.unitId === deviceId) connection.detach(gone);
    this.onPresence?.({ type: 'detach', device: describe(unit) });
  }

  /** Plugs a device back in (its state kept, as a powered instrument's would be); an attach event follows. */
  plug(deviceId: string): void {
    const unit = this.unit(deviceId);
    if (unit.present) return;
    unit.present = true;
    this.onPresence?.({ type: 'attach', device: describe(unit) });
  }

  /** Replaces a device's injected faults (e.g. from an operator's bench controls). */
  setFaults(deviceId: string, faults: SimulatedFaults): void {
    this.unit(deviceId).faults = checkFaults(faults);
  }

  /** Replaces a device's reply latency. */
  setLatency(deviceId: string, latencyMs: number): void {
    this.unit(deviceId).latencyMs = checkDelay('latencyMs', latencyMs);
  }

  private unit(deviceId: string): SimulatedUnit {
    const unit = this.units.get(deviceId);
    if (unit === undefined) {
      throw new HardwareError(HardwareErrorKind.DEVICE_ABSENT, `no simulated device "${deviceId}"`);
    }
    return unit;
  }
}

/** Creates the simulated adapter; see {@link SimulatedAdapterOptions} for defaults. */
export function createSimulatedAdapter(options: SimulatedAdapterOptions = {}): SimulatedAdapter {
  return new SimulatedAdapter(options);
}

function describe(unit: SimulatedUnit): DeviceInfo {
  return {
    id: unit.id,
    name: unit.model.model,
    serialNumber: unit.id,
    availability: AVAILABLE,
    attributes: { model: unit.model.model, protocol: 'line' },
  };
}

function checkDelay(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 60_000) {
    throw new HardwareError(
      HardwareErrorKind.INVALID_REQUEST,
      `${field} must be from 0 to 60000 ms, got ${value}`,
    );
  }
  return value;
}

function checkFaults(faults: SimulatedFaults): SimulatedFaults {
  for (const [field, rate] of Object.entries(faults)) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw new HardwareError(
        HardwareErrorKind.INVALID_REQUEST,
        `faults.${field} must be a probability from 0 to 1`,
      );
    }
  }
  return { ...faults };
}
