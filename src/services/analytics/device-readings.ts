import type { Logger } from '../../platform/log/index.ts';
import type { NumericReading } from '../common/index.ts';
import { MAX_FUTURE_MS } from './ingestion.ts';
import type { Columns } from './sample-columns.ts';
import type { SeriesCatalog } from './series.ts';
import type { WriteBuffer } from './write-buffer.ts';

/** Options of {@link createDeviceReadingRecorder}. */
export interface DeviceReadingRecorderOptions {
  catalog: SeriesCatalog;
  buffer: WriteBuffer;
  logger: Logger;
  /** How many readings were dropped before reaching the recorder (the hand-off's counter). */
  dropped: () => number;
  now?: () => number;
}

/** Records batches of device readings as samples. */
export interface DeviceReadingRecorder {
  /** Writes `readings` through the write buffer; logs, never rejects. */
  record(readings: readonly NumericReading[]): Promise<void>;
}

/**
 * Device readings as analytics samples: one series per device and resource, found by its key
 * (metric = the resource, labels `{device: <id>}`) and created on first sight with the
 * resource's unit and the device link `devices/<id>`; the series of a batch commit together
 * through the group-commit write buffer. Series ids are remembered, so a steady stream of
 * readings costs no catalog lookup; a series deleted meanwhile is found or created again once.
 */
export function createDeviceReadingRecorder(options: DeviceReadingRecorderOptions): DeviceReadingRecorder {
  const { catalog, buffer, logger } = options;
  const now = options.now ?? Date.now;
  /** `device\0resource` → the series' primary key. */
  const known = new Map<string, string>();
  let reportedDrops = 0;

  async function seriesPk(reading: NumericReading): Promise<string> {
    const key = `${reading.device}\0${reading.resource}`;
    const pk = known.get(key);
    if (pk !== undefined) return pk;
    const series = await catalog.ensure(
      reading.resource,
      { device: reading.device },
      reading.unit,
      `devices/${reading.device}`,
    );
    known.set(key, series.id);
    return series.id;
  }

  async function write(readings: readonly NumericReading[]): Promise<void> {
    const latest = now() + MAX_FUTURE_MS;
    const grouped = new Map<string, NumericReading[]>();
    for (const reading of readings) {
      if (!Number.isFinite(reading.value) || !(reading.time >= 0 && reading.time <= latest)) continue;
      const pk = await seriesPk(reading);
      const group = grouped.get(pk);
      if (group === undefined) grouped.set(pk, [reading]);
      else group.push(reading);
    }
    const writes = new Map<string, Columns>();
    let count = 0;
    for (const [pk, group] of grouped) {
      const times = new Float64Array(group.length);
      const values = new Float64Array(group.length);
      for (const [i, reading] of group.entries()) {
        times[i] = Math.floor(reading.time);
        values[i] = reading.value;
      }
      writes.set(pk, { times, values });
      count += group.length;
    }
    if (count > 0) await buffer.write(writes, count);
  }

  return {
    async record(readings) {
      const dropped = options.dropped();
      if (dropped > reportedDrops) {
        logger.warn(
          { dropped: dropped - reportedDrops, total: dropped },
          'device readings dropped before analytics could record them (queue full)',
        );
        reportedDrops = dropped;
      }
      try {
        await write(readings);
      } catch {
        // Most likely a series deleted since it was remembered: look every series up again, once.
        known.clear();
        await write(readings).catch((error: unknown) =>
          logger.warn({ err: error, readings: readings.length }, 'device readings not recorded'),
        );
      }
    },
  };
}
