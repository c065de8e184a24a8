import {
  type AnalyticsServiceService,
  TimeFormat,
  UploadFormat,
  type UploadSamplesRequest,
} from '../../gen/hcs/v1/analytics.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import type { Ingestion } from './ingestion.ts';
import { AnalyticsReason } from './reasons.ts';
import type { SeriesCatalog } from './series.ts';
import { seriesIdOfName } from './series-rules.ts';
import { readUpload } from './upload-reader.ts';

/** The upload RPC of AnalyticsService. */
export type UploadProcedures = Pick<ServiceImplementation<typeof AnalyticsServiceService>, 'uploadSamples'>;

function formatOf(first: UploadSamplesRequest): 'csv' | 'ndjson' {
  if (first.format === UploadFormat.UPLOAD_FORMAT_NDJSON) return 'ndjson';
  if (first.format === UploadFormat.UPLOAD_FORMAT_CSV) return 'csv';
  const type = (first.body?.contentType ?? '').toLowerCase();
  return /^application\/(x-)?ndjson\b|^application\/jsonl\b/.test(type) ? 'ndjson' : 'csv';
}

/** Maps UploadSamples onto the document reader and one atomic commit. */
export function uploadProcedures(
  catalog: SeriesCatalog,
  ingestion: Ingestion,
  now: () => number = Date.now,
): UploadProcedures {
  return {
    async uploadSamples(requests) {
      // Read by hand: leaving a for-await early would turn our error into a cancellation.
      const iterator = requests[Symbol.asyncIterator]();
      const head = await iterator.next();
      if (head.done === true) {
        throw new AppError(
          Code.INVALID_ARGUMENT,
          AnalyticsReason.MALFORMED_DOCUMENT,
          'the upload has no message',
        );
      }
      const first = head.value;
      async function* chunks(): AsyncGenerator<Uint8Array> {
        if (first.body !== undefined) yield first.body.data;
        for (;;) {
          const next = await iterator.next();
          if (next.done === true) return;
          if (next.value.body !== undefined) yield next.value.body.data;
        }
      }
      const order: string[] = [];
      const content = await readUpload(chunks(), {
        format: formatOf(first),
        timeColumn: first.timeColumn === '' ? 'time' : first.timeColumn,
        timeFormat: first.timeFormat ?? TimeFormat.TIME_FORMAT_UNSPECIFIED,
        now: now(),
        async resolveSeries(header) {
          const name = header.startsWith('series/') ? header : `series/${header}`;
          const series = await catalog.get(
            seriesIdOfName(name, `column ${JSON.stringify(header.slice(0, 70))}`),
          );
          order.push(name);
          return series;
        },
      });
      const accepted = await ingestion.ingestColumns(content.samples);
      return { rowCount: String(content.rowCount), acceptedCount: String(accepted), series: order };
    },
  };
}
