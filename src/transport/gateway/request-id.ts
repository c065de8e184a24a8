import type { IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER, requestIdFrom } from '../rpc/index.ts';

/**
 * The id of an HTTP request: the client's `x-request-id` when it is short and plain (the first,
 * if sent twice), else a new one. The server calls it once per request and hands the result to
 * the route (`ctx.requestId`) and to the interceptor chain, so an answer, its log lines and its
 * error body quote one id; another call for a request without an acceptable id makes a new one.
 */
export function requestIdOf(request: IncomingMessage): string {
  const offered = request.headers[REQUEST_ID_HEADER];
  return requestIdFrom(Array.isArray(offered) ? offered[0] : offered);
}
