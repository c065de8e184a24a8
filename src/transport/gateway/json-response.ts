import type { ServerResponse } from 'node:http';

/**
 * Sends a small JSON answer in one `writeHead`: `nosniff`, and `cache-control` (default
 * `no-store`: most of what hcs answers is live state or carries credentials). For HEAD,
 * node:http sends the same headers without the body.
 */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  cacheControl = 'no-store',
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
    'cache-control': cacheControl,
  });
  response.end(text);
}
