import { Code } from '../../platform/errors/index.ts';

/**
 * gRPC code → HTTP status, the table grpc-gateway's `runtime/errors.go` uses (and Google's
 * API design guide documents). Notable choices: CANCELLED is 499 (nginx's "client closed
 * request"), FAILED_PRECONDITION is 400 not 412 (412 is for HTTP preconditions such as
 * If-Match), OUT_OF_RANGE is 400, UNKNOWN and DATA_LOSS are 500.
 */
const STATUS_BY_CODE: Record<Code, number> = {
  [Code.OK]: 200,
  [Code.CANCELLED]: 499,
  [Code.UNKNOWN]: 500,
  [Code.INVALID_ARGUMENT]: 400,
  [Code.DEADLINE_EXCEEDED]: 504,
  [Code.NOT_FOUND]: 404,
  [Code.ALREADY_EXISTS]: 409,
  [Code.PERMISSION_DENIED]: 403,
  [Code.RESOURCE_EXHAUSTED]: 429,
  [Code.FAILED_PRECONDITION]: 400,
  [Code.ABORTED]: 409,
  [Code.OUT_OF_RANGE]: 400,
  [Code.UNIMPLEMENTED]: 501,
  [Code.INTERNAL]: 500,
  [Code.UNAVAILABLE]: 503,
  [Code.DATA_LOSS]: 500,
  [Code.UNAUTHENTICATED]: 401,
};

/** The HTTP status for a gRPC code; 500 for a number outside the set. */
export function codeToHttpStatus(code: number): number {
  return STATUS_BY_CODE[code as Code] ?? 500;
}
