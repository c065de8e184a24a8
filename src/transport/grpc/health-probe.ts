import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

/** Options of {@link probeHealth}. */
export interface HealthProbeOptions {
  /** `host:port` of the gRPC server. */
  target: string;
  /** The service to ask about; `''` (the default) is the whole server. */
  service?: string;
  /** Give up after this long. Default 3000 ms. */
  timeoutMs?: number;
}

const HealthClient = makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');

/**
 * Asks a server's `grpc.health.v1.Health/Check` for a status. Resolves to the status name
 * (`SERVING`, `NOT_SERVING`, …) or rejects with the reason it could not ask.
 */
export function probeHealth(options: HealthProbeOptions): Promise<string> {
  const client = new HealthClient(options.target, credentials.createInsecure());
  const deadline = Date.now() + (options.timeoutMs ?? 3000);
  const check = client.check as unknown as (
    request: { service: string },
    options: { deadline: number },
    callback: (error: ServiceError | null, response?: { status?: string | number }) => void,
  ) => void;
  return new Promise<string>((resolve, reject) => {
    check.call(client, { service: options.service ?? '' }, { deadline }, (error, response) => {
      client.close();
      if (error) reject(new Error(error.details || error.message));
      else resolve(String(response?.status ?? 'UNKNOWN'));
    });
  });
}
