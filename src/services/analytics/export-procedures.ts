import type { HttpBody } from '../../gen/google/api/httpbody.ts';
import { type AnalyticsServiceService, TimeFormat, UploadFormat } from '../../gen/hcs/v1/analytics.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import type { ChunkStore } from './chunk-store.ts';
import type { SeriesCatalog } from './series.ts';
import { seriesIdOfName } from './series-rules.ts';
import { timeRangeOf } from './time-range.ts';

/** The export RPC of AnalyticsService. */
export type ExportProcedures = Pick<ServiceImplementation<typeof AnalyticsServiceService>, 'exportSamples'>;

/** Largest body chunk ExportSamples sends. */
export const EXPORT_CHUNK_BYTES = 64 * 1024;

function timeText(ms: number, format: TimeFormat): string {
  switch (format) {
    case TimeFormat.TIME_FORMAT_EPOCH_MILLIS:
      return String(ms);
    case TimeFormat.TIME_FORMAT_EPOCH_MICROS:
      return `${ms}000`;
    case TimeFormat.TIME_FORMAT_EPOCH_NANOS:
      return `${ms}000000`;
    default:
      return new Date(ms).toISOString();
  }
}

/**
 * Streams a range of a series as CSV or NDJSON, a page of chunks at a time, in body chunks of
 * at most {@link EXPORT_CHUNK_BYTES}, as a download named after the series (`pump-1.csv`).
 * Values are written in JavaScript's shortest round-trip form, so reading the export back
 * yields the same doubles.
 */
export function exportProcedures(
  catalog: SeriesCatalog,
  store: ChunkStore,
  now: () => number = Date.now,
): ExportProcedures {
  return {
    async *exportSamples(request, ctx) {
      const series = await catalog.get(seriesIdOfName(request.name, 'name'));
      const name = `series/${series.seriesId}`;
      const range = timeRangeOf(request.startTime, request.endTime, now());
      const ndjson = request.format === UploadFormat.UPLOAD_FORMAT_NDJSON;
      const contentType = ndjson ? 'application/x-ndjson' : 'text/csv; charset=utf-8';
      const body = (text: string): HttpBody => ({
        contentType,
        data: Buffer.from(text, 'utf8'),
        extensions: [],
      });
      // A download over REST: saved under the series' id (only [a-z0-9-], so no quoting needed).
      ctx.responseHeaders.set(
        'content-disposition',
        `attachment; filename="${series.seriesId}.${ndjson ? 'ndjson' : 'csv'}"`,
      );
      const key = JSON.stringify(name);
      let text = ndjson ? '' : `time,${name}\r\n`;
      for await (const page of store.pages(series.id, range)) {
        if (ctx.signal.aborted) return;
        for (let i = 0; i < page.times.length; i++) {
          const time = timeText(page.times[i] as number, request.timeFormat);
          const value = String(page.values[i]);
          text += ndjson ? `{"time":${JSON.stringify(time)},${key}:${value}}\n` : `${time},${value}\r\n`;
          if (text.length >= EXPORT_CHUNK_BYTES - 256) {
            yield body(text);
            text = '';
          }
        }
      }
      if (text !== '') yield body(text);
    },
  };
}
