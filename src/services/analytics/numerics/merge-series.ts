import type { Series } from './series.ts';

/**
 * The samples of several sorted series as one sorted series. Stable: samples with equal times
 * keep the order of the input list, then their order within their series. Merges pairwise as
 * a balanced tree, O(n log k) for k series of n samples in all; memory: one copy of all samples.
 */
export function mergeSeries(series: readonly Series[]): Series {
  if (series.length === 0) return { times: new Float64Array(0), values: new Float64Array(0) };
  let level: Series[] = [...series];
  if (level.length === 1) {
    const only = level[0] as Series;
    return { times: only.times.slice(), values: only.values.slice() };
  }
  while (level.length > 1) {
    const next: Series[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right === undefined ? (level[i] as Series) : mergeTwo(level[i] as Series, right));
    }
    level = next;
  }
  return level[0] as Series;
}

function mergeTwo(a: Series, b: Series): Series {
  const n = a.times.length + b.times.length;
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.times.length && j < b.times.length) {
    // `<=` takes a's sample first on a tie: the earlier series in the list wins.
    if ((a.times[i] as number) <= (b.times[j] as number)) {
      times[k] = a.times[i] as number;
      values[k++] = a.values[i++] as number;
    } else {
      times[k] = b.times[j] as number;
      values[k++] = b.values[j++] as number;
    }
  }
  times.set(a.times.subarray(i), k);
  values.set(a.values.subarray(i), k);
  k += a.times.length - i;
  times.set(b.times.subarray(j), k);
  values.set(b.values.subarray(j), k);
  return { times, values };
}
