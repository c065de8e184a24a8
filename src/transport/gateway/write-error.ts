import type { ServerResponse } from 'node:http';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { appErrorToStatus } from '../rpc/index.ts';
import { codeToHttpStatus } from './http-status.ts';
import type { JsonCodec } from './json-codec.ts';

/**
 * Reasons whose HTTP status is more precise than their gRPC code's: routing and body errors,
 * which exist only on the HTTP side (grpc-gateway answers them the same way).
 */
const STATUS_BY_REASON: Record<string, number> = {
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BODY_TOO_LARGE: 413,
};

// Written when even the error cannot be encoded: valid JSON, no dependency on the codec.
const FALLBACK_BODY = '{"code":13,"message":"failed to marshal error message","details":[]}';

/**
 * Sends an error as grpc-gateway does: the HTTP status from the code (or the reason, for
 * routing and body errors), a google.rpc.Status JSON body with typed details,
 * `WWW-Authenticate: Bearer` on 401, and the request id.
 */
export function writeError(
  response: ServerResponse,
  error: unknown,
  options: {
    codec: JsonCodec;
    requestId: string;
    logger: Logger;
    headers?: Record<string, string>;
    /** The route is an OAuth2 endpoint: every failure is answered in RFC 6749 §5.2 form. */
    oauth?: boolean;
  },
): void {
  const appError = AppError.from(error);
  const status = STATUS_BY_REASON[appError.reason] ?? codeToHttpStatus(appError.code);
  const phrased = appError.details.metadata?.oauth_error;
  const oauthError = phrased ?? (options.oauth ? oauthErrorOf(appError) : undefined);
  if (oauthError !== undefined && !response.headersSent) {
    // The procedure's own RFC errors are 400 (§5.2); a body the gateway refused keeps 413/415,
    // throttling 429 and the server's trouble its 5xx.
    const oauthStatus =
      phrased !== undefined || (oauthError === 'invalid_request' && status < 413) ? 400 : status;
    writeOAuthError(
      response,
      oauthError,
      appError.message,
      oauthStatus,
      appError.details.retryDelayMs,
      options,
    );
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

/**
 * The RFC error of a failure the procedure did not phrase in OAuth terms: a request the gateway
 * could not read is `invalid_request`; throttling `slow_down` (RFC 8628 §3.5, registered for the
 * token endpoint); the server's own trouble `server_error` / `temporarily_unavailable`.
 */
function oauthErrorOf(error: AppError): string {
  if (error.code === Code.RESOURCE_EXHAUSTED) return 'slow_down';
  if (error.code === Code.UNAVAILABLE) return 'temporarily_unavailable';
  if (error.code === Code.INTERNAL || error.code === Code.UNKNOWN || error.code === Code.DATA_LOSS)
    return 'server_error';
  return 'invalid_request';
}

/**
 * RFC 6749 §5.2: an OAuth2 client reads `{error, error_description}` (401 for `invalid_client`,
 * otherwise `status`); token responses are never cached (§5.1).
 */
function writeOAuthError(
  response: ServerResponse,
  error: string,
  description: string,
  status: number,
  retryDelayMs: number | undefined,
  options: { requestId: string; headers?: Record<string, string> },
): void {
  const body = JSON.stringify({ error, error_description: description });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'x-content-type-options': 'nosniff',
    ...options.headers,
  };
  if (options.requestId !== '') headers['x-request-id'] = options.requestId;
  if (error === 'invalid_client') headers['www-authenticate'] = 'Basic realm="hcs"';
  if (retryDelayMs !== undefined) headers['retry-after'] = Math.ceil(retryDelayMs / 1000);
  response.writeHead(error === 'invalid_client' ? 401 : status, headers);
  response.end(body);
}
