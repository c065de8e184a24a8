/**
 * Polling schedules: sample a device every `intervalMs` and report each reading (`interval`)
 * or only readings that moved by more than `deadband` (`on-change`). Samples never overlap:
 * the next one is scheduled when the previous one settled.
 */
import type { HardwareError } from '../hardware-error.ts';
import { toHardwareError } from '../hardware-error.ts';

/** One reported reading. */
export interface Reading {
  readonly value: number;
  readonly at: Date;
}

/** When a poller reports. */
export type PollMode = 'interval' | 'on-change';

/** Options of {@link startPoller}. */
export interface PollerOptions {
  /** Time from one sample settling to the next starting. */
  readonly intervalMs: number;
  /** Default `interval`: every reading. `on-change`: the first, then those that moved by more than `deadband`. */
  readonly mode?: PollMode;
  /** Smallest absolute change reported in `on-change` mode. Default 0 (any change). */
  readonly deadband?: number;
  /** Takes one sample; rejects on failure. The signal fires when the poller stops. */
  readonly sample: (signal: AbortSignal) => Promise<number>;
  readonly onReading: (reading: Reading) => void;
  /** Called for each failed sample; polling goes on. */
  readonly onError?: (error: HardwareError) => void;
}

/** A running schedule. */
export interface Poller {
  /** Stops after the sample in flight (which is cancelled); idempotent. */
  stop(): void;
}

/** Starts polling now; the first sample runs at once. */
export function startPoller(options: PollerOptions): Poller {
  const controller = new AbortController();
  const deadband = options.deadband ?? 0;
  let last: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    try {
      const value = await options.sample(controller.signal);
      if (controller.signal.aborted) return;
      const changed = last === undefined || Math.abs(value - last) > deadband;
      if (options.mode !== 'on-change' || changed) {
        last = value;
        options.onReading({ value, at: new Date() });
      }
    } catch (error) {
      if (!controller.signal.aborted) options.onError?.(toHardwareError(error));
    }
    if (!controller.signal.aborted) timer = setTimeout(tick, options.intervalMs);
  };
  void tick();

  return {
    stop() {
      clearTimeout(timer);
      controller.abort();
    },
  };
}
