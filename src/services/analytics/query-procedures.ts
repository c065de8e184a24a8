import {
  type AnalyticsServiceService,
  type Sample,
  type SampleColumns,
  SampleForm,
} from '../../gen/hcs/v1/analytics.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { ListReason, pageSizeOf } from '../common/index.ts';
import type { ChunkMaintenance } from './chunk-maintenance.ts';
import type { ChunkStore } from './chunk-store.ts';
import { type Columns, concatColumns } from './sample-columns.ts';
import type { SeriesCatalog } from './series.ts';
import { seriesIdOfName } from './series-rules.ts';
import { timeRangeOf } from './time-range.ts';

/** The raw sample RPCs of AnalyticsService. */
export type QueryProcedures = Pick<
  ServiceImplementation<typeof AnalyticsServiceService>,
  'querySamples' | 'streamSamples' | 'deleteSamples'
>;

const DEFAULT_SAMPLE_PAGE = 1000;
const MAX_SAMPLE_PAGE = 10_000;
const CURSOR = /^q1:(asc|desc):(\d{1,16})$/;

/** Samples in the per-sample form. */
export function samplesOf(columns: Columns): Sample[] {
  const samples: Sample[] = new Array(columns.times.length);
  for (let i = 0; i < columns.times.length; i++) {
    samples[i] = { sampleTime: new Date(columns.times[i] as number), value: columns.values[i] as number };
  }
  return samples;
}

/** Samples in the columnar form. */
export function sampleColumnsOf(columns: Columns): SampleColumns {
  return { times: Array.from(columns.times), values: Array.from(columns.values) };
}

function formed(
  columns: Columns,
  form: SampleForm,
): { samples: Sample[]; columns: SampleColumns | undefined } {
  return form === SampleForm.SAMPLE_FORM_COLUMNS
    ? { samples: [], columns: sampleColumnsOf(columns) }
    : { samples: samplesOf(columns), columns: undefined };
}

function pageSizeOfSamples(pageSize: number): number {
  return Math.min(pageSizeOf(pageSize, DEFAULT_SAMPLE_PAGE), MAX_SAMPLE_PAGE);
}

function descendingOf(orderBy: string): boolean {
  const normalized = orderBy.trim().replace(/\s+/g, ' ');
  if (normalized === '' || normalized === 'sample_time' || normalized === 'sample_time asc') return false;
  if (normalized === 'sample_time desc') return true;
  throw invalidField(
    ListReason.INVALID_LIST_OPTION,
    'order_by',
    'order_by must be "sample_time" or "sample_time desc"',
  );
}

// The instant after which (or before which, descending) a page token resumes.
function resumeAfter(token: string, descending: boolean): number | undefined {
  if (token === '') return undefined;
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const match = CURSOR.exec(decoded);
  if (match === null || (match[1] === 'desc') !== descending) {
    throw invalidField(
      ListReason.INVALID_PAGE_TOKEN,
      'page_token',
      'page_token is not one this server issued for this order',
    );
  }
  return Number(match[2]);
}

/** Maps the raw sample RPCs onto the catalog, the chunk store and its maintenance. */
export function queryProcedures(
  catalog: SeriesCatalog,
  store: ChunkStore,
  maintenance: ChunkMaintenance,
  now: () => number = Date.now,
): QueryProcedures {
  return {
    async querySamples(request) {
      const series = await catalog.get(seriesIdOfName(request.name, 'name'));
      const descending = descendingOf(request.orderBy);
      const limit = pageSizeOfSamples(request.pageSize);
      const range = timeRangeOf(request.startTime, request.endTime, now());
      const after = resumeAfter(request.pageToken, descending);
      if (after !== undefined) {
        if (descending) range.end = Math.min(range.end, after);
        else range.start = Math.max(range.start, after + 1);
      }
      const parts: Columns[] = [];
      let count = 0;
      for await (const page of store.pages(series.id, range, 16, descending)) {
        parts.push(page);
        count += page.times.length;
        if (count > limit) break;
      }
      const all = concatColumns(parts);
      const more = all.times.length > limit;
      const page = { times: all.times.subarray(0, limit), values: all.values.subarray(0, limit) };
      const last = page.times.at(-1);
      const nextPageToken =
        more && last !== undefined
          ? Buffer.from(`q1:${descending ? 'desc' : 'asc'}:${last}`, 'utf8').toString('base64url')
          : '';
      return { ...formed(page, request.form), nextPageToken };
    },

    async *streamSamples(request, ctx) {
      const series = await catalog.get(seriesIdOfName(request.name, 'name'));
      const limit = pageSizeOfSamples(request.pageSize);
      const range = timeRangeOf(request.startTime, request.endTime, now());
      for await (const page of store.pages(series.id, range)) {
        for (let from = 0; from < page.times.length; from += limit) {
          if (ctx.signal.aborted) return;
          const to = Math.min(from + limit, page.times.length);
          yield formed(
            { times: page.times.subarray(from, to), values: page.values.subarray(from, to) },
            request.form,
          );
        }
      }
    },

    async deleteSamples(request) {
      const series = await catalog.get(seriesIdOfName(request.name, 'name'));
      const range = timeRangeOf(request.startTime, request.endTime, Number.MAX_SAFE_INTEGER, true);
      const deleted = await maintenance.deleteRange(series.id, range);
      return { deletedSampleCount: String(deleted) };
    },
  };
}
