import type { IngestStreamWithAcksResponse } from '../../gen/hcs/v1/analytics.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import type { ANALYTICS_DEFINITION } from './analytics-definition.ts';
import type { Ingestion, Submitted } from './ingestion.ts';

/** The ingestion RPCs of AnalyticsService (uploads are in `upload-procedures.ts`). */
export type IngestProcedures = Pick<
  ServiceImplementation<typeof ANALYTICS_DEFINITION>,
  'ingestSamples' | 'ingestStream' | 'ingestStreamWithAcks'
>;

// Messages of one stream queued for commit before the stream stops reading: enough to keep
// the write buffer busy while the next messages arrive, bounded so a fast producer waits.
const MAX_MESSAGES_IN_FLIGHT = 16;

/** Maps the ingestion RPCs onto {@link Ingestion}. */
export function ingestProcedures(ingestion: Ingestion): IngestProcedures {
  return {
    async ingestSamples(request) {
      const { sampleCount, series } = await ingestion.ingest(request.batches, 'batches');
      return { acceptedCount: String(sampleCount), series: series.map((one) => `series/${one.seriesId}`) };
    },

    async ingestStream(requests) {
      let messages = 0;
      let samples = 0;
      for await (const ack of acknowledged(ingestion, requests)) {
        messages = Number(ack.committedMessageCount);
        samples = Number(ack.committedSampleCount);
      }
      return { messageCount: String(messages), acceptedCount: String(samples) };
    },

    ingestStreamWithAcks(requests) {
      return acknowledged(ingestion, requests);
    },
  };
}

/**
 * Submits each message as it arrives and yields an acknowledgement whenever the oldest
 * outstanding messages are committed (several at once when their commits finished together).
 * A failed message ends the stream with its error after the messages before it are
 * acknowledged.
 */
async function* acknowledged(
  ingestion: Ingestion,
  requests: AsyncIterable<{ batches: Parameters<Ingestion['submit']>[0] }>,
): AsyncGenerator<IngestStreamWithAcksResponse> {
  const inFlight: { submitted: Submitted; settled: boolean }[] = [];
  let readError: unknown;
  let reading = true;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  const reader = (async () => {
    let index = 0;
    // Read by hand, not with for-await: leaving a for-await early would close the request
    // stream, which the transport reports as a cancellation instead of our error.
    const iterator = requests[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) break;
        const request = next.value;
        const submitted = await ingestion.submit(request.batches, `messages[${index}].batches`);
        const entry = { submitted, settled: false };
        submitted.committed.then(
          () => {
            entry.settled = true;
            notify();
          },
          () => {
            entry.settled = true;
            notify();
          },
        );
        inFlight.push(entry);
        notify();
        index += 1;
        while (inFlight.length >= MAX_MESSAGES_IN_FLIGHT)
          await (inFlight[0]?.submitted.committed ?? null)?.catch(() => undefined);
      }
    } catch (error) {
      readError = error;
    } finally {
      reading = false;
      notify();
    }
  })();

  let messages = 0;
  let samples = 0;
  try {
    for (;;) {
      const head = inFlight[0];
      if (head === undefined) {
        if (!reading) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      await head.submitted.committed;
      while (inFlight[0]?.settled === true) {
        const entry = inFlight.shift() as (typeof inFlight)[number];
        await entry.submitted.committed;
        messages += 1;
        samples += entry.submitted.sampleCount;
      }
      yield { committedMessageCount: String(messages), committedSampleCount: String(samples) };
    }
    if (readError !== undefined) throw readError;
    if (messages === 0) yield { committedMessageCount: '0', committedSampleCount: '0' };
  } finally {
    await reader;
  }
}
