import type { NumericReading, ReadingHandOff } from '../common/index.ts';
import type { LatestReadings } from './latest-readings.ts';
import { numericOf, type StoredReading } from './typed-value.ts';

/**
 * `latest` that also hands every numeric reading it records (polled or returned by a command:
 * both go through `record`) to `handOff`, for analytics to keep as samples. Booleans, strings,
 * bytes and non-finite numbers are not handed on. Never waits: the hand-off queues.
 */
export function handingOnReadings(latest: LatestReadings, handOff: ReadingHandOff): LatestReadings {
  return {
    ...latest,
    record(device, readings) {
      latest.record(device, readings);
      const numeric = numericReadingsOf(device, readings);
      if (numeric.length > 0) handOff.offer(numeric);
    },
  };
}

/** The finite numeric readings among `readings`, with their time in epoch milliseconds. */
export function numericReadingsOf(device: string, readings: readonly StoredReading[]): NumericReading[] {
  const numeric: NumericReading[] = [];
  for (const reading of readings) {
    const value = numericOf(reading.value);
    const time = Date.parse(reading.readTime);
    if (value === undefined || !Number.isFinite(value) || Number.isNaN(time)) continue;
    numeric.push({ device, resource: reading.resource, unit: reading.units, time, value });
  }
  return numeric;
}
