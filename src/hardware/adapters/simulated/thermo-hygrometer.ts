/**
 * A simulated temperature/humidity sensor (model `SIM-TH1`): readings drift slowly around a
 * base value with Gaussian noise, and a sample occasionally drops out (`ERR DROPOUT`), as
 * cheap sensors do.
 *
 * Commands: `T?` → `21.53` (°C), `H?` → `45.20` (%RH), `READ?` → `T 21.53 H 45.20`.
 */
import { gaussian } from './prng.ts';
import { formatValue, type ModelContext, type SimulatedDevice } from './simulated-device.ts';

/** Options of one sensor. */
export interface ThermoHygrometerOptions {
  /** Mean temperature, °C. Default 21.5. */
  readonly baseTemperature?: number;
  /** Mean relative humidity, %. Default 45. */
  readonly baseHumidity?: number;
  /** Standard deviation of the noise on each sample, in the reading's unit. Default 0.05. */
  readonly noise?: number;
  /** Probability that one sample drops out. Default 0.01. */
  readonly dropoutRate?: number;
}

/** Creates one sensor. */
export function createThermoHygrometer(
  context: ModelContext,
  options: ThermoHygrometerOptions = {},
): SimulatedDevice {
  const { random } = context;
  const noise = options.noise ?? 0.05;
  const dropoutRate = options.dropoutRate ?? 0.01;
  const baseT = options.baseTemperature ?? 21.5;
  const baseH = options.baseHumidity ?? 45;
  // Slow drift: a sine over ten simulated minutes, so a poller sees values change.
  const drift = (nowMs: number) => Math.sin((nowMs / 600_000) * 2 * Math.PI);

  const temperature = (nowMs: number) => baseT + 0.5 * drift(nowMs) + gaussian(random, noise);
  const humidity = (nowMs: number) =>
    Math.min(100, Math.max(0, baseH - 2 * drift(nowMs) + gaussian(random, noise * 4)));

  return {
    model: 'SIM-TH1',
    handle(words, nowMs) {
      const command = words.join(' ');
      if (command !== 'T?' && command !== 'H?' && command !== 'READ?') return 'ERR UNKNOWN_COMMAND';
      if (random() < dropoutRate) return 'ERR DROPOUT';
      if (command === 'T?') return formatValue(temperature(nowMs), 2);
      if (command === 'H?') return formatValue(humidity(nowMs), 2);
      return `T ${formatValue(temperature(nowMs), 2)} H ${formatValue(humidity(nowMs), 2)}`;
    },
  };
}
