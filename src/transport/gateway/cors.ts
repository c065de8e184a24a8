import type { IncomingMessage, ServerResponse } from 'node:http';
import { appendVary } from './vary.ts';

/** Request headers a browser may send: credentials, request ids, tracing, deadlines. */
const ALLOWED_HEADERS =
  'authorization, content-type, x-api-key, x-request-id, traceparent, tracestate, grpc-timeout';
// Content-Disposition: a page saving a download (an analytics export) can name the file.
const EXPOSED_HEADERS = 'x-request-id, www-authenticate, retry-after, allow, content-disposition';

/**
 * CORS per `HCS_CORS_ORIGINS`: `*` answers any origin with `*` (never with credentials);
 * otherwise only listed origins are echoed back, with `Vary: Origin`. Returns true when it
 * answered a preflight (`OPTIONS` with `Access-Control-Request-Method`) completely: 204 with
 * `allowedMethods()` and the request id.
 */
export function applyCors(
  request: IncomingMessage,
  response: ServerResponse,
  origins: readonly string[],
  allowedMethods: () => readonly string[],
  requestId: string,
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  const anyOrigin = origins.includes('*');
  if (!anyOrigin) appendVary(response, 'Origin');
  if (!anyOrigin && !origins.includes(origin)) return false;
  response.setHeader('access-control-allow-origin', anyOrigin ? '*' : origin);
  const preflight =
    request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
  if (!preflight) {
    response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    return false;
  }
  response.writeHead(204, {
    'access-control-allow-methods': allowedMethods().join(', '),
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': '600',
    'content-length': 0,
    'x-request-id': requestId,
  });
  response.end();
  return true;
}
