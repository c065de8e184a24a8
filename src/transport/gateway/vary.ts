import type { ServerResponse } from 'node:http';

/**
 * Adds a request header name to the response's `Vary`, keeping the names already there: CORS
 * varies an answer by `Origin` and compression by `Accept-Encoding`, and a shared cache must
 * see both or it may hand one client's answer to another.
 */
export function appendVary(response: ServerResponse, name: string): void {
  const current = response.getHeader('vary');
  const names =
    current === undefined
      ? []
      : String(current)
          .split(',')
          .map((item) => item.trim());
  if (names.some((item) => item.toLowerCase() === name.toLowerCase())) return;
  response.setHeader('vary', [...names, name].join(', '));
}
