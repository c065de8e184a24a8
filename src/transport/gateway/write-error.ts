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
  options: { codec: JsonCodec; requestId: string; logger: Logger; headers?: Record<string, string> },
): void {
  const appError = AppError.from(error);
  const oauthError = appError.details.metadata?.oauth_error;
  if (oauthError !== undefined && !response.headersSent) {
    writeOAuthError(response, oauthError, appError.message, options);
    return;
  }
  const status = STATUS_BY_REASON[appError.reason] ?? codeToHttpStatus(appError.code);
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
 * RFC 6749 §5.2: an OAuth2 client reads `{error, error_description}` with status 400 (401 for
 * `invalid_client`), whatever the gRPC code; token responses are never cached (§5.1).
 */
function writeOAuthError(
  response: ServerResponse,
  error: string,
  description: string,
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
  response.writeHead(error === 'invalid_client' ? 401 : 400, headers);
  response.end(body);
}
