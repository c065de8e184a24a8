import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { hopByHopNames } from './hop-by-hop.ts';
import { nextTraceparent } from './traceparent.ts';

/** hcs's own credentials: never sent to an instance unless it opted in. */
const CREDENTIALS: ReadonlySet<string> = new Set(['authorization', 'x-api-key', 'cookie']);
// Replaced by the proxy's own values.
const REPLACED: ReadonlySet<string> = new Set([
  'host',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-request-id',
  'traceparent',
  'tracestate',
]);

/** What the proxy adds to a forwarded request. */
export interface ForwardFacts {
  requestId: string;
  /** Whether the instance receives the caller's credentials. */
  forwardCredentials: boolean;
}

/**
 * The headers of the request sent upstream, as raw pairs (`[name, value, …]`, so repeated
 * headers stay repeated): the client's without hop-by-hop headers (those its `Connection`
 * names too) and, unless the instance opted in, without `Authorization`, `x-api-key` and
 * `Cookie`; then `X-Forwarded-For` (the client's chain with the client's address appended),
 * `X-Forwarded-Proto`, `X-Forwarded-Host`, `x-request-id` and a `traceparent` continuing the
 * caller's trace (with its `tracestate`). `Host` is the instance's, set by the client.
 */
export function forwardedRequestHeaders(request: IncomingMessage, facts: ForwardFacts): string[] {
  const raw = request.rawHeaders;
  const skip = hopByHopNames(raw);
  const headers: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string;
    const lower = name.toLowerCase();
    if (skip.has(lower) || REPLACED.has(lower)) continue;
    if (!facts.forwardCredentials && CREDENTIALS.has(lower)) continue;
    headers.push(name, raw[index + 1] as string);
  }
  const incoming = request.headers;
  const client = request.socket.remoteAddress ?? 'unknown';
  const priorFor = joined(incoming['x-forwarded-for']);
  headers.push('x-forwarded-for', priorFor === undefined ? client : `${priorFor}, ${client}`);
  headers.push('x-forwarded-proto', 'encrypted' in request.socket ? 'https' : 'http');
  if (incoming.host !== undefined) headers.push('x-forwarded-host', incoming.host);
  headers.push('x-request-id', facts.requestId);
  const trace = nextTraceparent(joined(incoming.traceparent));
  headers.push('traceparent', trace.value);
  const tracestate = joined(incoming.tracestate);
  if (trace.continued && tracestate !== undefined) headers.push('tracestate', tracestate);
  return headers;
}

/**
 * The headers of the instance's response sent to the client, as raw pairs: without hop-by-hop
 * headers, without its `x-request-id` (the client gets hcs's) and CORS headers (hcs's
 * `HCS_CORS_ORIGINS` decides which browsers read the answer), and without `Set-Cookie` unless
 * the instance receives credentials (cookies it sets would be stripped on the way back anyway).
 */
export function forwardedResponseHeaders(upstream: IncomingMessage, forwardCredentials: boolean): string[] {
  const raw = upstream.rawHeaders;
  const skip = hopByHopNames(raw);
  const headers: string[] = [];
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string;
    const lower = name.toLowerCase();
    if (skip.has(lower) || lower === 'x-request-id' || lower.startsWith('access-control-')) continue;
    if (!forwardCredentials && lower === 'set-cookie') continue;
    headers.push(name, raw[index + 1] as string);
  }
  return headers;
}

function joined(value: IncomingHttpHeaders[string]): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
