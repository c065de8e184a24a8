/**
 * Wraps a real adapter and records what the runtime does to it: calls per device, how many
 * run at once (overlap), and the AbortSignals it hands down. It changes no behaviour.
 */
import type { Adapter, DeviceConnection, IoRequest } from '../../../src/hardware/index.ts';

export interface Instrumented {
  adapter: Adapter;
  /** Calls started, by `deviceId:read|write`. */
  calls: Map<string, number>;
  /** Highest number of calls in flight at once, per device and over all devices. */
  maxInFlight: Map<string, number>;
  maxInFlightTotal: () => number;
  /** Every signal given to a read or write, in order. */
  signals: AbortSignal[];
  opens: () => number;
}

export function instrument(inner: Adapter): Instrumented {
  const calls = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  const signals: AbortSignal[] = [];
  let total = 0;
  let maxTotal = 0;
  let opens = 0;

  const track = async <T>(deviceId: string, kind: string, signal: AbortSignal, work: () => Promise<T>) => {
    calls.set(`${deviceId}:${kind}`, (calls.get(`${deviceId}:${kind}`) ?? 0) + 1);
    signals.push(signal);
    const now = (inFlight.get(deviceId) ?? 0) + 1;
    inFlight.set(deviceId, now);
    maxInFlight.set(deviceId, Math.max(maxInFlight.get(deviceId) ?? 0, now));
    total += 1;
    maxTotal = Math.max(maxTotal, total);
    try {
      return await work();
    } finally {
      inFlight.set(deviceId, (inFlight.get(deviceId) ?? 1) - 1);
      total -= 1;
    }
  };

  const wrap = (deviceId: string, connection: DeviceConnection): DeviceConnection => {
    const wrapped: DeviceConnection & { probe?: (signal: AbortSignal) => Promise<void> } = {
      read: (request: IoRequest, signal: AbortSignal) =>
        track(deviceId, 'read', signal, () => connection.read(request, signal)),
      write: (data: Uint8Array, request: IoRequest, signal: AbortSignal) =>
        track(deviceId, 'write', signal, () => connection.write(data, request, signal)),
      close: () => connection.close(),
    };
    const probe = (connection as { probe?: (signal: AbortSignal) => Promise<void> }).probe;
    if (probe) wrapped.probe = (signal) => probe.call(connection, signal);
    return wrapped;
  };

  const adapter: Adapter = {
    name: inner.name,
    presence: inner.presence,
    initialize: () => inner.initialize(),
    available: () => inner.available(),
    start: (onPresence) => inner.start(onPresence),
    stop: (options) => inner.stop(options),
    discover: (signal) => inner.discover(signal),
    open: async (deviceId, signal) => {
      opens += 1;
      return wrap(deviceId, await inner.open(deviceId, signal));
    },
  };
  return { adapter, calls, maxInFlight, maxInFlightTotal: () => maxTotal, signals, opens: () => opens };
}

/** Polls `condition` every 10 ms until it holds or `timeoutMs` (generous: the machine may be loaded) passes. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const line = (text: string): Uint8Array => Buffer.from(`${text}\n`, 'latin1');
export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** Like `AbortSignal.timeout`, but its timer keeps the process alive (that one is unref'd, and a test waiting only on it would end the run early). */
export function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), ms);
  return controller.signal;
}
