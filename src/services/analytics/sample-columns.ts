/**
 * Samples as two parallel typed arrays: `times[i]` (epoch milliseconds, an exact integer)
 * and `values[i]`. The in-memory form everything in analytics passes around, so no object
 * is made per sample.
 */
export interface Columns {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** Empty columns. */
export const EMPTY_COLUMNS: Columns = { times: new Float64Array(0), values: new Float64Array(0) };

/**
 * The samples sorted by time with one sample per instant: of several at the same instant the
 * one given last wins, as a later write replaces an earlier one. Returns `columns` itself
 * when it is already strictly increasing (the usual case for a producer).
 */
export function sortedUnique(columns: Columns): Columns {
  const { times, values } = columns;
  let increasing = true;
  for (let i = 1; i < times.length; i++) {
    if ((times[i] as number) <= (times[i - 1] as number)) {
      increasing = false;
      break;
    }
  }
  if (increasing) return columns;
  const order = new Uint32Array(times.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Ties keep input order (by index), so the last of equal instants ends up last.
  order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
  const outTimes = new Float64Array(times.length);
  const outValues = new Float64Array(times.length);
  let n = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const time = times[i] as number;
    if (n > 0 && outTimes[n - 1] === time) n -= 1;
    outTimes[n] = time;
    outValues[n] = values[i] as number;
    n += 1;
  }
  return { times: outTimes.subarray(0, n), values: outValues.subarray(0, n) };
}

/**
 * Merges two sorted, unique sample sets; at an instant both hold, `newer` wins. `replaced`
 * counts those instants.
 */
export function mergeColumns(older: Columns, newer: Columns): { merged: Columns; replaced: number } {
  const total = older.times.length + newer.times.length;
  const times = new Float64Array(total);
  const values = new Float64Array(total);
  let i = 0;
  let j = 0;
  let n = 0;
  let replaced = 0;
  while (i < older.times.length || j < newer.times.length) {
    const a = i < older.times.length ? (older.times[i] as number) : Number.POSITIVE_INFINITY;
    const b = j < newer.times.length ? (newer.times[j] as number) : Number.POSITIVE_INFINITY;
    if (a < b) {
      times[n] = a;
      values[n++] = older.values[i++] as number;
    } else {
      if (a === b) {
        i += 1;
        replaced += 1;
      }
      times[n] = b;
      values[n++] = newer.values[j++] as number;
    }
  }
  return { merged: { times: times.subarray(0, n), values: values.subarray(0, n) }, replaced };
}

/** Concatenates sample sets that follow each other in time, copying each once. */
export function concatColumns(parts: readonly Columns[]): Columns {
  let total = 0;
  for (const part of parts) total += part.times.length;
  const times = new Float64Array(total);
  const values = new Float64Array(total);
  let offset = 0;
  for (const part of parts) {
    times.set(part.times, offset);
    values.set(part.values, offset);
    offset += part.times.length;
  }
  return { times, values };
}
