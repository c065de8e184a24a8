import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { AnalyticsServiceClient } from '../../../src/gen/hcs/v1/analytics.ts';
import { TEST_CHANNEL_OPTIONS } from '../../helpers/channel-options.ts';

/** A typed AnalyticsService client for `target`, and the metadata carrying `token`. */
export function analyticsClient(
  target: string,
  token: string,
): { client: AnalyticsServiceClient; metadata: Metadata } {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return {
    client: new AnalyticsServiceClient(target, credentials.createInsecure(), TEST_CHANNEL_OPTIONS),
    metadata,
  };
}

/** Promisifies one unary call of a grpc-js client: `unary(cb => client.getSeries(req, md, cb))`. */
export function unary<T>(
  start: (callback: (error: ServiceError | null, response: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    start((error, response) => (error === null ? resolve(response) : reject(error)));
  });
}

/** The error of a call expected to fail. */
export async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

/** Resolves `predicate` true, polling every 20 ms for up to `timeoutMs` (generous on a loaded machine). */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
