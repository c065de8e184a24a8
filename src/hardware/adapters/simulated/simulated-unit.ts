/**
 * One simulated instrument as the adapter holds it: its model (state survives reconnecting),
 * whether it is plugged in, its latency and its injected faults, each drawn from its own
 * seeded generator so one seed always gives the same run.
 */
import { HardwareError, HardwareErrorKind } from '../../index.ts';
import { createPowerSupply } from './power-supply.ts';
import { createRandom, deriveSeed, type Random } from './prng.ts';
import { createRelayBoard } from './relay-board.ts';
import type { SimulatedDevice } from './simulated-device.ts';
import { createThermoHygrometer, type ThermoHygrometerOptions } from './thermo-hygrometer.ts';

/** Injected faults; probabilities per call, each 0 by default. */
export interface SimulatedFaults {
  /** A command line gets no reply at all, so the read waits until its timeout. */
  readonly dropReplyRate?: number;
  /** A read or write fails with IO_ERROR before touching the device. */
  readonly ioErrorRate?: number;
}

/** The instrument models on offer. */
export type SimulatedModel = 'thermo-hygrometer' | 'relay-board' | 'power-supply';

/** One simulated device of the adapter's options. */
export interface SimulatedDeviceSpec {
  /** Stable id: lower-case letters, digits and dashes, 1–64 characters. */
  readonly id: string;
  readonly model: SimulatedModel;
  /** Sensor behaviour (thermo-hygrometer only). */
  readonly sensor?: ThermoHygrometerOptions;
  /** Reply latency for this device; default the adapter's. */
  readonly latencyMs?: number;
  /** Faults for this device; default the adapter's. */
  readonly faults?: SimulatedFaults;
}

/** The state of one simulated device. */
export class SimulatedUnit {
  readonly model: SimulatedDevice;
  present = true;
  private readonly faultRandom: Random;
  private readonly startedMs: number;

  constructor(
    readonly id: string,
    kind: SimulatedModel,
    seed: number,
    private readonly clock: () => number,
    public latencyMs: number,
    public jitterMs: number,
    public faults: SimulatedFaults,
    sensor: ThermoHygrometerOptions = {},
  ) {
    this.startedMs = clock();
    this.faultRandom = createRandom(deriveSeed(seed, `${id}#faults`));
    const context = { random: createRandom(deriveSeed(seed, id)), nowMs: 0 };
    if (kind === 'thermo-hygrometer') this.model = createThermoHygrometer(context, sensor);
    else if (kind === 'relay-board') this.model = createRelayBoard();
    else if (kind === 'power-supply') this.model = createPowerSupply(context);
    else
      throw new HardwareError(HardwareErrorKind.INVALID_REQUEST, `unknown simulated model "${String(kind)}"`);
  }

  /** Simulated time since the unit was created, in ms. */
  nowMs(): number {
    return this.clock() - this.startedMs;
  }

  injectIoError(): boolean {
    return this.draw(this.faults.ioErrorRate);
  }

  injectDroppedReply(): boolean {
    return this.draw(this.faults.dropReplyRate);
  }

  /** The next reply's delay: the latency plus up to `jitterMs`. */
  replyDelayMs(): number {
    return this.jitterMs === 0 ? this.latencyMs : this.latencyMs + this.faultRandom() * this.jitterMs;
  }

  private draw(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.faultRandom() < rate;
  }
}
