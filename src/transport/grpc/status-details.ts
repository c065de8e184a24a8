import { type status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { Status } from '../../gen/google/rpc/status.ts';
import type { AppError } from '../../platform/errors/index.ts';
import { appErrorToStatus } from '../rpc/index.ts';

/** The trailer that carries the full google.rpc.Status (AIP-193, gRPC richer error model). */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/**
 * Maps an AppError to the error grpc-js sends: the code, the message, and the trailers
 * (`grpc-status-details-bin` plus any the call set, such as `x-request-id`).
 */
export function appErrorToServiceError(
  error: AppError,
  trailers: ReadonlyMap<string, string>,
): Partial<ServiceError> {
  const metadata = new Metadata();
  for (const [key, value] of trailers) metadata.set(key, value);
  metadata.set(STATUS_DETAILS_KEY, Buffer.from(Status.encode(appErrorToStatus(error)).finish()));
  return { code: error.code as GrpcStatus, details: error.message, metadata };
}
