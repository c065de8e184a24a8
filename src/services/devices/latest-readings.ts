import type { StoredReading } from './typed-value.ts';

/**
 * The latest reading of each resource of each device, from command results (and, later,
 * polling): what GetReadings answers without touching the hardware. In process memory: a
 * restarted node knows nothing until the next reading, as the contract says.
 */
export interface LatestReadings {
  record(device: string, readings: readonly StoredReading[]): void;
  /** The device's latest readings, keyed by resource. */
  of(device: string): ReadonlyMap<string, StoredReading>;
  forget(device: string): void;
}

/** Creates an empty store. */
export function createLatestReadings(): LatestReadings {
  const byDevice = new Map<string, Map<string, StoredReading>>();
  return {
    record(device, readings) {
      if (readings.length === 0) return;
      let latest = byDevice.get(device);
      if (latest === undefined) {
        latest = new Map();
        byDevice.set(device, latest);
      }
      for (const reading of readings) {
        const known = latest.get(reading.resource);
        if (known === undefined || known.readTime <= reading.readTime) latest.set(reading.resource, reading);
      }
    },
    of(device) {
      return byDevice.get(device) ?? new Map();
    },
    forget(device) {
      byDevice.delete(device);
    },
  };
}
