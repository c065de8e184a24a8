import { AnalyticsServiceService } from '../../gen/hcs/v1/analytics.ts';
import { decodeIngestRequest } from './ingest-request-decoder.ts';

/**
 * The generated `hcs.v1.AnalyticsService` definition, with the three ingestion requests decoded
 * by {@link decodeIngestRequest} (columns as typed arrays) instead of the generated decoder.
 * Both transports decode through the definition, so gRPC and REST ingestion share it.
 */
export const ANALYTICS_DEFINITION = {
  ...AnalyticsServiceService,
  ingestSamples: { ...AnalyticsServiceService.ingestSamples, requestDeserialize: decodeIngestRequest },
  ingestStream: { ...AnalyticsServiceService.ingestStream, requestDeserialize: decodeIngestRequest },
  ingestStreamWithAcks: {
    ...AnalyticsServiceService.ingestStreamWithAcks,
    requestDeserialize: decodeIngestRequest,
  },
} as const;
