import type { ChunkRollup } from './chunk-rows.ts';
import type { ChunkStore, TimeRange } from './chunk-store.ts';
import { describe, mergeAllRollups, type Rollup, rollupOf, rollupStd } from './numerics/index.ts';
import type { SampleReader } from './sample-reader.ts';

/** The statistics of a series over a range; see DescribeSeriesResponse for NaN and empty. */
export interface SeriesDescription {
  count: number;
  sum: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  first: number;
  last: number;
  /** Epoch ms of the first and last sample; NaN when `count` is 0. */
  firstTime: number;
  lastTime: number;
  /** The value of each requested quantile, in request order. */
  quantileValues: Float64Array;
}

/**
 * Above this ratio of a chunk's Σx² to its Σ(x − mean)², the variance derived from the stored
 * sum of squares would lose more than about 1e-9 of its value to cancellation (values far
 * from 0 with a small spread), so that chunk's raw samples are read instead.
 */
const MAX_CANCELLATION = 1e4;

/** Most consecutive chunks read raw at once (64 chunks: at most 1 MiB of samples). */
const RAW_CHUNKS_PER_READ = 64;

/** count, sum, mean, std, min, max, first, last and exact quantiles of every sample of `range`. */
export async function describeSamples(
  reader: SampleReader,
  seriesPk: string,
  range: TimeRange,
  quantiles: readonly number[],
): Promise<SeriesDescription> {
  const { times, values } = await reader.read(seriesPk, range);
  const d = describe(values, { quantiles });
  const n = times.length;
  return {
    count: d.count,
    sum: d.sum,
    mean: d.mean,
    std: d.std,
    min: d.min,
    max: d.max,
    first: d.first,
    last: d.last,
    firstTime: n === 0 ? Number.NaN : (times[0] as number),
    lastTime: n === 0 ? Number.NaN : (times[n - 1] as number),
    quantileValues: d.quantileValues,
  };
}

/**
 * The same statistics without quantiles, from the chunk summaries: a chunk wholly inside the
 * range contributes its stored rollup; the edge chunks, and any chunk whose variance the
 * stored sum of squares cannot give exactly, are read raw (consecutive ones in one read).
 * Rollups merge by Chan et al.'s formula, so the result matches the full computation to
 * rounding.
 */
export async function describeFromRollups(
  store: ChunkStore,
  seriesPk: string,
  range: TimeRange,
): Promise<SeriesDescription> {
  const parts: Rollup[] = [];
  let raw: TimeRange | undefined;
  let rawChunks = 0;
  const flush = async () => {
    if (raw === undefined) return;
    const columns = await store.read(seriesPk, raw);
    if (columns.times.length > 0) parts.push(rollupOf(columns));
    raw = undefined;
    rawChunks = 0;
  };
  for (const chunk of range.start < range.end ? await store.rollups(seriesPk, range) : []) {
    const rollup =
      chunk.startTime >= range.start && chunk.endTime < range.end ? exactRollup(chunk) : undefined;
    if (rollup !== undefined) {
      await flush();
      parts.push(rollup);
      continue;
    }
    const span = {
      start: Math.max(range.start, chunk.startTime),
      end: Math.min(range.end, chunk.endTime + 1),
    };
    raw = raw === undefined ? span : { start: raw.start, end: span.end };
    // Bounded reads: a long run of raw chunks is summarised a slice at a time.
    if (++rawChunks === RAW_CHUNKS_PER_READ) await flush();
  }
  await flush();
  const total = mergeAllRollups(parts);
  return {
    count: total.count,
    sum: total.sum,
    mean: total.mean,
    std: rollupStd(total),
    min: total.min,
    max: total.max,
    first: total.first,
    last: total.last,
    firstTime: total.firstTime,
    lastTime: total.lastTime,
    quantileValues: new Float64Array(0),
  };
}

// The numerics rollup of a stored chunk summary, or undefined when its variance cannot be
// derived exactly enough from the sum of squares.
function exactRollup(chunk: ChunkRollup): Rollup | undefined {
  const mean = chunk.sum / chunk.count;
  let m2 = 0;
  if (chunk.min !== chunk.max) {
    m2 = chunk.sumSquares - chunk.sum * mean;
    if (!(m2 > 0) || chunk.sumSquares / m2 > MAX_CANCELLATION) return undefined;
  }
  return {
    count: chunk.count,
    sum: chunk.sum,
    mean,
    m2,
    min: chunk.min,
    max: chunk.max,
    first: chunk.firstValue,
    firstTime: chunk.startTime,
    last: chunk.lastValue,
    lastTime: chunk.endTime,
  };
}
