/**
 * The hardware runtime: owns every adapter's lifecycle and all device policy (queues,
 * timeouts, read retries, health, polling, transforms, hot-plug), so adapters only move bytes.
 */
import type { Adapter, DeviceConnection, DeviceInfo, IoRequest } from '../adapter.ts';
import type { AllowListEntry } from '../allow-list.ts';
import type { Availability } from '../availability.ts';
import { isAllowListed } from '../capabilities.ts';
import { HardwareError, HardwareErrorKind, toHardwareError } from '../hardware-error.ts';
import { type DeviceHealth, ManagedDevice } from './managed-device.ts';
import { NEVER_ABORTED } from './operation-signal.ts';
import { type Poller, type PollMode, type Reading, startPoller } from './poller.ts';
import { createPresenceTracker, type PresenceTracker } from './presence-tracker.ts';
import { type HardwareRuntimeOptions, validateRuntimeOptions } from './runtime-options.ts';
import { applyValueTransform, type ValueTransform, validateValueTransform } from './value-transform.ts';

/** Names one device: its adapter and its id there. */
export interface DeviceRef {
  readonly adapter: string;
  readonly deviceId: string;
}

/** Per-call options. */
export interface IoOptions {
  /** Cancels the call, waiting or running (CANCELLED, or TIMEOUT when its reason is a timeout). */
  readonly signal?: AbortSignal;
}

/** What the runtime tells its subscribers. */
export type HardwareEvent =
  | { readonly type: 'attach' | 'detach'; readonly adapter: string; readonly device: DeviceInfo }
  | {
      readonly type: 'health';
      readonly adapter: string;
      readonly deviceId: string;
      readonly health: DeviceHealth;
    };

/** An adapter as operators see it. */
export interface AdapterStatus {
  readonly name: string;
  readonly availability: Availability;
  readonly presence: 'events' | 'polling';
  /** The raw-access allow-list, for adapters that have one. */
  readonly allowList?: readonly AllowListEntry[];
}

/** A polling schedule on one device: optionally write a query, read, decode, transform, report. */
export interface PollSchedule {
  readonly device: DeviceRef;
  readonly intervalMs: number;
  readonly mode?: PollMode;
  readonly deadband?: number;
  /** Bytes written before each read (a query such as `READ?\n`); omitted: read only. */
  readonly query?: Uint8Array;
  readonly request?: IoRequest;
  /** Turns the bytes read into a raw number; a throw is reported as INVALID_VALUE. */
  readonly decode: (bytes: Uint8Array) => number;
  readonly transform?: ValueTransform;
  readonly onReading: (reading: Reading) => void;
  readonly onError?: (error: HardwareError) => void;
}

/** The runtime's surface, used by the device service. */
export interface HardwareRuntime {
  /** Initializes every adapter (a failing one only reports itself unavailable) and starts hot-plug tracking. */
  start(): Promise<void>;
  /** Stops polls, refuses waiting operations, closes every device and stops every adapter. */
  stop(options?: { force?: boolean }): Promise<void>;
  adapters(): AdapterStatus[];
  /** Lists an adapter's devices now; UNAVAILABLE with the reason when the adapter is not usable. */
  discover(adapter: string, options?: IoOptions): Promise<DeviceInfo[]>;
  /** Devices the runtime currently knows present (from hot-plug tracking). */
  present(adapter: string): DeviceInfo[];
  /** Reads once; retried on TIMEOUT/IO_ERROR up to `readRetries`. */
  read(device: DeviceRef, request?: IoRequest, options?: IoOptions): Promise<Uint8Array>;
  /** Writes once; never retried. */
  write(device: DeviceRef, data: Uint8Array, request?: IoRequest, options?: IoOptions): Promise<void>;
  /** Writes then reads the answer in one queue slot (a command with a response); never retried. */
  exchange(
    device: DeviceRef,
    data: Uint8Array,
    requests?: { write?: IoRequest; read?: IoRequest },
    options?: IoOptions,
  ): Promise<Uint8Array>;
  health(device: DeviceRef): DeviceHealth;
  /** Closes the device's connection now (a read in flight rejects CANCELLED); the next call reopens it. */
  closeDevice(device: DeviceRef): Promise<void>;
  poll(schedule: PollSchedule): Poller;
  /** Receives attach/detach and health changes; returns the unsubscribe function. */
  subscribe(listener: (event: HardwareEvent) => void): () => void;
}

/** Creates a runtime over `options.adapters`; see {@link HardwareRuntimeOptions} for every default. */
export function createHardwareRuntime(options: HardwareRuntimeOptions): HardwareRuntime {
  const policy = validateRuntimeOptions(options);
  const adapters = new Map(policy.adapters.map((adapter) => [adapter.name, adapter]));
  const devices = new Map<string, ManagedDevice>();
  const trackers = new Map<string, PresenceTracker>();
  const polls = new Set<Poller>();
  const listeners = new Set<(event: HardwareEvent) => void>();
  const shutdown = new AbortController();
  let started = false;

  const emit = (event: HardwareEvent) => {
    for (const listener of listeners) listener(event);
  };

  const adapterOf = (name: string): Adapter => {
    const adapter = adapters.get(name);
    if (adapter === undefined) {
      throw new HardwareError(HardwareErrorKind.INVALID_REQUEST, `no adapter named "${name}"`);
    }
    if (!started || shutdown.signal.aborted) {
      throw new HardwareError(HardwareErrorKind.UNAVAILABLE, 'the hardware runtime is not running');
    }
    const availability = adapter.available();
    if (!availability.ok) {
      throw new HardwareError(
        HardwareErrorKind.UNAVAILABLE,
        `adapter ${name} is unavailable: ${availability.message}`,
        {
          adapter: name,
        },
      );
    }
    return adapter;
  };

  const deviceOf = (ref: DeviceRef): ManagedDevice => {
    const adapter = adapterOf(ref.adapter);
    const key = `${ref.adapter}\u0000${ref.deviceId}`;
    let device = devices.get(key);
    if (device === undefined) {
      device = new ManagedDevice(adapter, ref.deviceId, policy, shutdown.signal, (health) =>
        emit({ type: 'health', adapter: ref.adapter, deviceId: ref.deviceId, health }),
      );
      devices.set(key, device);
    }
    return device;
  };

  const run = <T>(
    ref: DeviceRef,
    kind: 'read' | 'write',
    operation: (connection: DeviceConnection, signal: AbortSignal) => Promise<T>,
    options: IoOptions,
  ): Promise<T> => {
    try {
      return deviceOf(ref).run(kind, operation, options.signal ?? NEVER_ABORTED);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const onPresence = (adapter: string) => (event: { type: 'attach' | 'detach'; device: DeviceInfo }) => {
    // A device that went away loses its connection now, so a read in flight fails at once.
    if (event.type === 'detach') void devices.get(`${adapter}\u0000${event.device.id}`)?.disconnect();
    emit({ type: event.type, adapter, device: event.device });
  };

  const runtime: HardwareRuntime = {
    async start() {
      if (started) return;
      started = true;
      for (const adapter of adapters.values()) {
        try {
          await adapter.initialize();
        } catch {
          // initialize() must not throw; if one does, available() says why and the others go on.
        }
        if (!adapter.available().ok) continue;
        const tracker = createPresenceTracker(adapter, policy.rediscoverIntervalMs, onPresence(adapter.name));
        trackers.set(adapter.name, tracker);
        try {
          await adapter.start((event) => tracker.apply(event));
        } catch {
          // Hot-plug events failed to start (e.g. no OS support): the adapter still works, and
          // presence is learned by re-enumeration instead.
          tracker.pollFromNowOn();
        }
      }
    },
    async stop(stopOptions = {}) {
      if (shutdown.signal.aborted) return;
      const reason = new HardwareError(HardwareErrorKind.UNAVAILABLE, 'the hardware runtime is stopping');
      shutdown.abort(reason);
      for (const poll of polls) poll.stop();
      for (const tracker of trackers.values()) tracker.stop();
      await Promise.all([...devices.values()].map((device) => device.close(reason)));
      await Promise.all([...adapters.values()].map((adapter) => adapter.stop(stopOptions).catch(() => {})));
    },
    adapters() {
      return [...adapters.values()].map((adapter) => ({
        name: adapter.name,
        availability: adapter.available(),
        presence: adapter.presence,
        ...(isAllowListed(adapter) ? { allowList: adapter.allowList } : {}),
      }));
    },
    async discover(name, discoverOptions = {}) {
      const adapter = adapterOf(name);
      const signal = AbortSignal.any([
        shutdown.signal,
        ...(discoverOptions.signal ? [discoverOptions.signal] : []),
      ]);
      try {
        return await adapter.discover(signal);
      } catch (error) {
        throw toHardwareError(error, { adapter: name });
      }
    },
    present(name) {
      return [...(trackers.get(name)?.devices.values() ?? [])];
    },
    read(ref, request = {}, ioOptions = {}) {
      return run(ref, 'read', (connection, signal) => connection.read(request, signal), ioOptions);
    },
    write(ref, data, request = {}, ioOptions = {}) {
      return run(ref, 'write', (connection, signal) => connection.write(data, request, signal), ioOptions);
    },
    exchange(ref, data, requests = {}, ioOptions = {}) {
      return run(
        ref,
        'write',
        async (connection, signal) => {
          await connection.write(data, requests.write ?? {}, signal);
          return connection.read(requests.read ?? {}, signal);
        },
        ioOptions,
      );
    },
    health(ref) {
      return deviceOf(ref).health();
    },
    async closeDevice(ref) {
      await devices.get(`${ref.adapter}\u0000${ref.deviceId}`)?.disconnect();
    },
    poll(schedule) {
      const transform = validateValueTransform(schedule.transform);
      const { query, device } = schedule;
      const request = schedule.request ?? {};
      const sample = async (signal: AbortSignal) => {
        const bytes =
          query === undefined
            ? await runtime.read(device, request, { signal })
            : await runtime.exchange(device, query, { read: request }, { signal });
        let raw: number;
        try {
          raw = schedule.decode(bytes);
        } catch (error) {
          throw new HardwareError(
            HardwareErrorKind.INVALID_VALUE,
            `could not decode a reading of ${device.adapter}/${device.deviceId}`,
            {
              cause: error,
            },
          );
        }
        return applyValueTransform(raw, transform, `reading of ${device.adapter}/${device.deviceId}`);
      };
      const poller = startPoller({ ...schedule, sample });
      polls.add(poller);
      return {
        stop() {
          polls.delete(poller);
          poller.stop();
        },
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return runtime;
}
