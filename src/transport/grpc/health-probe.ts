import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  type HealthCheckResponse,
  HealthClient,
  healthCheckResponse_ServingStatusToJSON,
} from '../../gen/grpc/health/v1/health.ts';

/** Options of {@link probeHealth}. */
export interface HealthProbeOptions {
  /** `host:port` of the gRPC server. */
  target: string;
  /** The service to ask about; `''` (the default) is the whole server. */
  service?: string;
  /** Give up after this long. Default 3000 ms. */
  timeoutMs?: number;
}

/**
 * Asks a server's `grpc.health.v1.Health/Check` for a status. Resolves to the status name
 * (`SERVING`, `NOT_SERVING`, …) or rejects with the reason it could not ask.
 */
export function probeHealth(options: HealthProbeOptions): Promise<string> {
  const client = new HealthClient(options.target, credentials.createInsecure());
  const deadline = Date.now() + (options.timeoutMs ?? 3000);
  return new Promise<string>((resolve, reject) => {
    const answer = (error: ServiceError | null, response?: HealthCheckResponse) => {
      client.close();
      if (error) reject(new Error(error.details || error.message));
      else
        resolve(
          response === undefined ? 'UNKNOWN' : healthCheckResponse_ServingStatusToJSON(response.status),
        );
    };
    client.check({ service: options.service ?? '' }, new Metadata(), { deadline }, answer);
  });
}
