import { type AdapterName, loadAdapter, NATIVE_ADAPTER_NAMES } from '../../hardware/adapters/index.ts';
import {
  type Adapter,
  type AdapterStatus,
  createHardwareRuntime,
  type HardwareRuntime,
} from '../../hardware/index.ts';
import type { DevicesConfig } from '../../platform/config/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import { DeviceReason } from './reasons.ts';

/** Longest command timeout a call may ask for: 5 minutes, as the contract says. */
export const MAX_COMMAND_TIMEOUT_MS = 300_000;

/** Options of {@link createDeviceHardware}. */
export interface DeviceHardwareOptions {
  config: DevicesConfig;
  /**
   * The adapters to run instead of those `config.adapters` names (tests hand in a simulated
   * bench they control), all started with the service. Default: each configured adapter, those
   * with a native library loaded on first use.
   */
  adapters?: readonly Adapter[];
}

/** The hardware runtime of this node, started with the service. */
export interface DeviceHardware {
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Loads each named adapter that is loaded on first use and not yet (unknown names are
   * skipped), and waits for its first device listing, so its status and presence are real.
   */
  use(names: Iterable<string>): Promise<void>;
  /** The running runtime; UNAVAILABLE `HARDWARE_UNAVAILABLE` before `start` or after `stop`. */
  runtime(): HardwareRuntime;
  /** Every configured adapter with its availability, by name order; empty before `start`. */
  adapters(): AdapterStatus[];
  /** The adapter named `name`, if configured. */
  adapter(name: string): AdapterStatus | undefined;
}

/**
 * Loads the configured adapters and runs them under one hardware runtime. The runtime's own
 * per-attempt timeout is set to the longest command timeout: each command brings its own,
 * shorter, deadline as its signal.
 */
export function createDeviceHardware(options: DeviceHardwareOptions): DeviceHardware {
  let runtime: HardwareRuntime | undefined;
  let stopped = false;

  return {
    async start() {
      const allowList = options.config.allowList;
      const adapters =
        options.adapters ??
        (await Promise.all(
          options.config.adapters.map((name) =>
            name === 'hid' || name === 'usb'
              ? loadAdapter(name, { allowList })
              : loadAdapter(name as AdapterName),
          ),
        ));
      runtime = createHardwareRuntime({
        adapters,
        ...(options.adapters === undefined
          ? { loadOnFirstUse: adapters.map((a) => a.name).filter(isNative) }
          : {}),
        queueDepth: options.config.queueDepth,
        timeoutMs: MAX_COMMAND_TIMEOUT_MS,
      });
      await runtime.start();
    },
    async use(names) {
      if (runtime === undefined || stopped) return;
      const running = runtime;
      await Promise.all([...new Set(names)].map((name) => running.use(name)));
    },
    async stop() {
      stopped = true;
      await runtime?.stop({ force: true });
    },
    runtime() {
      if (runtime === undefined || stopped) {
        throw new AppError(
          Code.UNAVAILABLE,
          DeviceReason.HARDWARE_UNAVAILABLE,
          'the hardware layer is not running',
        );
      }
      return runtime;
    },
    adapters() {
      return (runtime?.adapters() ?? []).sort((a, b) => a.name.localeCompare(b.name));
    },
    adapter(name) {
      return runtime?.adapters().find((adapter) => adapter.name === name);
    },
  };
}

const isNative = (name: string): boolean => (NATIVE_ADAPTER_NAMES as readonly string[]).includes(name);
