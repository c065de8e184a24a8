import { AppError, Code } from '../../platform/errors/index.ts';
import type { ChunkStore, TimeRange } from './chunk-store.ts';
import { AnalyticsReason } from './reasons.ts';
import { type Columns, concatColumns, EMPTY_COLUMNS } from './sample-columns.ts';

/**
 * Memory one computation may use for the samples it reads and the working copies its kernel
 * makes, in bytes: 256 MiB, the numerics kernels' own default budget.
 */
export const COMPUTE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Bytes a computation needs per sample read: 16 for the times and values, 16 more while the
 * chunk pages are concatenated, 8 for a kernel's working copy (quantile selection, pooling).
 * So {@link COMPUTE_MAX_BYTES} admits about 6.7 million samples: 30 days at 1 Hz (2.6M)
 * comfortably, a year at 1 Hz not.
 */
export const BYTES_PER_SAMPLE = 40;

/** Most samples one computation may read: {@link COMPUTE_MAX_BYTES} / {@link BYTES_PER_SAMPLE}. */
export const MAX_COMPUTE_SAMPLES = Math.floor(COMPUTE_MAX_BYTES / BYTES_PER_SAMPLE);

/**
 * The samples a page of output needs before its first row: a count of samples, a duration,
 * or every sample from the range's start (a running sum, a weighted mean).
 */
export type History = { samples: number } | { durationMs: number } | 'all';

/** A page's input: the history samples, then the samples of the page (and one more, if any). */
export interface PageInput {
  columns: Columns;
  /** Index in `columns` of the page's first sample. */
  offset: number;
}

/** Reads samples for computations, refusing ranges that would not fit the memory cap. */
export interface SampleReader {
  /** Every sample of `range` (RANGE_TOO_LARGE past the cap, counted with `alreadyRead`). */
  read(seriesPk: string, range: TimeRange, alreadyRead?: number): Promise<Columns>;
  /** How many samples `range` holds at most, from the chunk summaries (edge chunks whole). */
  countIn(seriesPk: string, range: TimeRange): Promise<number>;
  /**
   * The input of one page of a sample-by-sample output: the `history` before the first
   * sample after `after` (or from the range's start), then up to `limit` + 1 samples.
   */
  readPage(
    seriesPk: string,
    range: TimeRange,
    after: number | undefined,
    history: History,
    limit: number,
  ): Promise<PageInput>;
}

/**
 * Throws RESOURCE_EXHAUSTED (RANGE_TOO_LARGE) when `samples` would need more than `maxBytes`
 * (default {@link COMPUTE_MAX_BYTES}).
 */
export function assertReadable(samples: number, maxBytes = COMPUTE_MAX_BYTES): void {
  const most = Math.floor(maxBytes / BYTES_PER_SAMPLE);
  if (samples <= most) return;
  throw new AppError(
    Code.RESOURCE_EXHAUSTED,
    AnalyticsReason.RANGE_TOO_LARGE,
    `the computation would read ${samples} samples (${mib(samples * BYTES_PER_SAMPLE)}), more than the ` +
      `${most} samples (${mib(maxBytes)} of memory) one computation may use; narrow the range`,
  );
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** A {@link SampleReader} over the chunk store; `maxBytes` is the memory cap of one computation. */
export function createSampleReader(store: ChunkStore, maxBytes = COMPUTE_MAX_BYTES): SampleReader {
  async function countIn(seriesPk: string, range: TimeRange): Promise<number> {
    if (!(range.start < range.end)) return 0;
    const rollups = await store.rollups(seriesPk, range);
    return rollups.reduce((n, r) => n + r.count, 0);
  }

  async function read(seriesPk: string, range: TimeRange, alreadyRead = 0): Promise<Columns> {
    if (!(range.start < range.end)) return EMPTY_COLUMNS;
    assertReadable(alreadyRead + (await countIn(seriesPk, range)), maxBytes);
    return store.read(seriesPk, range);
  }

  async function lastSamples(seriesPk: string, range: TimeRange, count: number): Promise<Columns> {
    if (count === 0 || !(range.start < range.end)) return EMPTY_COLUMNS;
    const pages: Columns[] = [];
    let have = 0;
    for await (const page of store.pages(seriesPk, range, 8, true)) {
      pages.push(page);
      have += page.times.length;
      if (have >= count) break;
    }
    // Pages come newest first, each newest first: reverse the whole to oldest first.
    const newestFirst = concatColumns(pages);
    const n = Math.min(count, newestFirst.times.length);
    return {
      times: newestFirst.times.subarray(0, n).reverse(),
      values: newestFirst.values.subarray(0, n).reverse(),
    };
  }

  return {
    read,
    countIn,

    async readPage(seriesPk, range, after, history, limit) {
      const resume = after === undefined ? range.start : Math.max(range.start, after + 1);
      const before = { start: range.start, end: resume };
      let past: Columns;
      if (history === 'all') past = await read(seriesPk, before);
      else if ('samples' in history) past = await lastSamples(seriesPk, before, history.samples);
      else
        past = await read(seriesPk, {
          start: Math.max(range.start, resume - history.durationMs),
          end: resume,
        });
      const pages: Columns[] = [past];
      let have = 0;
      if (resume < range.end) {
        for await (const page of store.pages(seriesPk, { start: resume, end: range.end }, 16)) {
          pages.push(page);
          have += page.times.length;
          if (have > limit) break;
        }
      }
      return { columns: concatColumns(pages), offset: past.times.length };
    },
  };
}
