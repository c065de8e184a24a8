import { type AdapterName, loadAdapter } from '../../hardware/adapters/index.ts';
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
   * bench they control). Default: each configured adapter, loaded lazily.
   */
  adapters?: readonly Adapter[];
}

/** The hardware runtime of this node, started with the service. */
export interface DeviceHardware {
  start(): Promise<void>;
  stop(): Promise<void>;
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
        queueDepth: options.config.queueDepth,
        timeoutMs: MAX_COMMAND_TIMEOUT_MS,
      });
      await runtime.start();
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
