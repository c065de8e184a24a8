import { randomUUID } from 'node:crypto';
import type { Interceptor } from '../interceptor.ts';

/** The header/metadata that carries the request id both ways. */
export const REQUEST_ID_HEADER = 'x-request-id';

// A client-chosen id is kept only if it is short and plain, so it is safe in logs and headers.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * First in the chain: adopts the client's `x-request-id` (or makes a UUID) and echoes it in
 * the response headers; the call's logger carries it on every line from here on.
 */
export function requestIdInterceptor(): Interceptor {
  return (next) =>
    function assignRequestId(input, ctx) {
      const offered = ctx.requestHeaders.get(REQUEST_ID_HEADER);
      const requestId = offered !== undefined && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
      ctx.requestId = requestId;
      ctx.responseHeaders.set(REQUEST_ID_HEADER, requestId);
      return next(input, ctx);
    };
}
