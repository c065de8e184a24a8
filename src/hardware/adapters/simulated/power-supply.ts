/**
 * A simulated programmable power supply (model `SIM-PSU30`, 0–30 V, 0–5 A) driving a resistive
 * load. Measured values follow the setpoint with a first-order lag (time constant 20 ms) plus
 * a little noise; when the load would draw more than the current limit with the output on, the
 * over-current protection trips: output OFF, status `FAULT` until `CLR`.
 *
 * Commands: `SET V <volts>`, `SET I <amps>` (limit), `OUT ON|OFF`, `LOAD <ohms>` (the simulated
 * load, 0.1–1e6 Ω, default 10) → `OK`; `V?`, `I?` → setpoints; `MEAS V?` → `4.998`,
 * `MEAS I?` → `0.4998`; `STAT?` → `OFF|ON|FAULT`; `CLR` → `OK`. Out-of-range values are
 * `ERR RANGE`, `OUT ON` while tripped is `ERR FAULT`, anything malformed `ERR SYNTAX`.
 */
import { gaussian } from './prng.ts';
import { formatValue, type ModelContext, parseNumber, type SimulatedDevice } from './simulated-device.ts';

/** Upper bounds of the supply's settings. */
export const PSU_LIMITS = { volts: 30, amps: 5, minLoadOhms: 0.1, maxLoadOhms: 1e6 } as const;
const TIME_CONSTANT_MS = 20;

/** Creates one supply: 0 V, 1 A limit, output OFF, 10 Ω load. */
export function createPowerSupply(context: ModelContext): SimulatedDevice {
  const { random } = context;
  let setVolts = 0;
  let limitAmps = 1;
  let loadOhms = 10;
  let output = false;
  let fault = false;
  let measuredVolts = 0;
  let lastMs = context.nowMs;

  /** Advances the measured voltage toward its target up to `nowMs`. */
  const settle = (nowMs: number) => {
    const target = output ? setVolts : 0;
    const elapsed = Math.max(0, nowMs - lastMs);
    measuredVolts = target + (measuredVolts - target) * Math.exp(-elapsed / TIME_CONSTANT_MS);
    lastMs = nowMs;
  };
  /** Trips the over-current protection when the load would draw more than the limit. */
  const protect = () => {
    if (output && setVolts / loadOhms > limitAmps) {
      output = false;
      fault = true;
    }
  };
  const setting = (word: string | undefined, min: number, max: number, apply: (value: number) => void) => {
    const value = parseNumber(word);
    if (value === undefined) return 'ERR SYNTAX';
    if (value < min || value > max) return 'ERR RANGE';
    apply(value);
    protect();
    return 'OK';
  };

  return {
    model: 'SIM-PSU30',
    handle(words, nowMs) {
      settle(nowMs);
      const [verb, first, second] = words;
      const command = words.join(' ');
      if (verb === 'SET' && first === 'V' && words.length === 3) {
        return setting(second, 0, PSU_LIMITS.volts, (v) => {
          setVolts = v;
        });
      }
      if (verb === 'SET' && first === 'I' && words.length === 3) {
        return setting(second, 0, PSU_LIMITS.amps, (a) => {
          limitAmps = a;
        });
      }
      if (verb === 'LOAD' && words.length === 2) {
        return setting(first, PSU_LIMITS.minLoadOhms, PSU_LIMITS.maxLoadOhms, (ohms) => {
          loadOhms = ohms;
        });
      }
      switch (command) {
        case 'OUT ON':
          if (fault) return 'ERR FAULT';
          output = true;
          protect();
          return 'OK';
        case 'OUT OFF':
          output = false;
          return 'OK';
        case 'CLR':
          fault = false;
          return 'OK';
        case 'V?':
          return formatValue(setVolts, 3);
        case 'I?':
          return formatValue(limitAmps, 3);
        case 'MEAS V?':
          return formatValue(Math.max(0, measuredVolts + gaussian(random, 0.002)), 3);
        case 'MEAS I?':
          return formatValue(Math.max(0, measuredVolts / loadOhms + gaussian(random, 0.0002)), 4);
        case 'STAT?':
          return fault ? 'FAULT' : output ? 'ON' : 'OFF';
        default:
          return 'ERR SYNTAX';
      }
    },
  };
}
