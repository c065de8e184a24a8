import type { ServerResponse } from 'node:http';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { appErrorToStatus, logFaultOnce } from '../rpc/index.ts';
import { codeToHttpStatus } from './http-status.ts';
import type { JsonCodec } from './json-codec.ts';
import { writeOAuthError } from './write-oauth-error.ts';

/**
 * Reasons whose HTTP status is more precise than their gRPC code's: routing and body errors,
 * which exist only on the HTTP side (grpc-gateway answers them the same way).
 */
const STATUS_BY_REASON: Record<string, number> = {
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_TOO_LARGE: 413,
  BAD_GATEWAY: 502,
  // A raw download's Range the content cannot satisfy (see `http-body.ts`).
  RANGE_NOT_SATISFIABLE: 416,
};

// Written when even the error cannot be encoded: valid JSON, no dependency on the codec.
const FALLBACK_BODY = '{"code":13,"message":"failed to marshal error message","details":[]}';

/**
 * Sends an error as grpc-gateway does: the HTTP status from the code (or the reason, for
 * routing and body errors), a google.rpc.Status JSON body with typed details,
 * `WWW-Authenticate: Bearer` on 401, and the request id. A server fault the chain did not log
 * (one raised reading the request or writing the answer) is logged here with the request id.
 */
export function writeError(
  response: ServerResponse,
  error: unknown,
  options: {
    codec: JsonCodec;
    requestId: string;
    logger: Logger;
    headers?: Record<string, string>;
    /**
     * The method's `(hcs.v1.http_error_format)` is OAUTH2: every failure is answered in
     * RFC 6749 §5.2 form (see `write-oauth-error.ts`). Default false.
     */
    oauth?: boolean;
  },
): void {
  const appError = AppError.from(error);
  logFaultOnce(appError, options.logger, { requestId: options.requestId });
  const status = STATUS_BY_REASON[appError.reason] ?? codeToHttpStatus(appError.code);
  // A client told its body is too large may still be sending it: the connection is not kept
  // for another request (RFC 9110 §15.5.14), so it is not reused while the rest is dropped.
  if (appError.reason === 'BODY_TOO_LARGE' && !response.headersSent)
    response.setHeader('connection', 'close');
  if (options.oauth && !response.headersSent) {
    writeOAuthError(response, appError, status, options);
    return;
  }
  let body: string;
  try {
    body = JSON.stringify(options.codec.statusToJson(appErrorToStatus(appError)));
  } catch (encodingError) {
    options.logger.error({ err: encodingError }, 'error body could not be encoded');
    body = FALLBACK_BODY;
  }
  if (response.headersSent) {
    response.destroy(appError);
    return;
  }
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    ...options.headers,
  };
  if (options.requestId !== '') headers['x-request-id'] = options.requestId;
  if (appError.code === Code.UNAUTHENTICATED) headers['www-authenticate'] = 'Bearer realm="hcs"';
  if (appError.details.retryDelayMs !== undefined)
    headers['retry-after'] = Math.ceil(appError.details.retryDelayMs / 1000);
  response.writeHead(status, headers);
  response.end(body);
}
