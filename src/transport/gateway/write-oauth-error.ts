import type { ServerResponse } from 'node:http';
import { type AppError, Code } from '../../platform/errors/index.ts';

/**
 * Answers a failure of an OAuth2 endpoint (a method whose `(hcs.v1.http_error_format)` is
 * OAUTH2) in RFC 6749 §5.2 form, `{error, error_description}`, never cached (§5.1).
 *
 * The RFC code is the one the procedure phrased (ErrorInfo metadata `oauth_error`, answered
 * 400, or 401 for `invalid_client`); otherwise the nearest one for the failure, keeping the
 * HTTP status `status` the standard table gave it: a request the gateway could not read is
 * `invalid_request` (400, or 413/415 for a body too large or of the wrong type), throttling
 * `slow_down` (429, RFC 8628 §3.5, registered for the token endpoint), the server's own
 * trouble `temporarily_unavailable` or `server_error` (5xx).
 */
export function writeOAuthError(
  response: ServerResponse,
  error: AppError,
  status: number,
  options: { requestId: string; headers?: Record<string, string> },
): void {
  const phrased = error.details.metadata?.oauth_error;
  const code = phrased ?? oauthErrorOf(error, status);
  const oauthStatus =
    code === 'invalid_client'
      ? 401
      : phrased !== undefined || (code === 'invalid_request' && status < 413)
        ? 400
        : status;
  const body = JSON.stringify({ error: code, error_description: error.message });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'x-content-type-options': 'nosniff',
    ...options.headers,
  };
  if (options.requestId !== '') headers['x-request-id'] = options.requestId;
  if (code === 'invalid_client') headers['www-authenticate'] = 'Basic realm="hcs"';
  if (error.details.retryDelayMs !== undefined)
    headers['retry-after'] = Math.ceil(error.details.retryDelayMs / 1000);
  response.writeHead(oauthStatus, headers);
  response.end(body);
}

function oauthErrorOf(error: AppError, status: number): string {
  if (status === 429) return 'slow_down';
  if (error.code === Code.UNAVAILABLE) return 'temporarily_unavailable';
  if (status >= 500) return 'server_error';
  return 'invalid_request';
}
