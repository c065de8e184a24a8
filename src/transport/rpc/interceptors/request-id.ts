import { randomBytes } from 'node:crypto';
import type { Interceptor } from '../interceptor.ts';

/** The header/metadata that carries the request id both ways. */
export const REQUEST_ID_HEADER = 'x-request-id';

// A client-chosen id is kept only if it is short and plain, so it is safe in logs and headers.
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// Generated ids are a random per-process prefix and a counter: unique across replicas and
// restarts, sortable within a process, and cheaper than a UUID per call.
const processPrefix = randomBytes(6).toString('hex');
let counter = 0;

/** A new request id, e.g. `3f9a1c0b7e2d-1a`. */
export function newRequestId(): string {
  counter += 1;
  return `${processPrefix}-${counter.toString(36)}`;
}

/** The client's request id when it is acceptable (short and plain), else a new one. */
export function requestIdFrom(offered: string | undefined): string {
  return offered !== undefined && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : newRequestId();
}

/**
 * First in the chain: adopts the client's `x-request-id` or makes a new id; the call's logger
 * carries it on every line from here on. Each transport echoes `ctx.requestId` to the client
 * its own way (gRPC: a trailer; HTTP: a response header).
 */
export function requestIdInterceptor(): Interceptor {
  return (next) =>
    function assignRequestId(input, ctx) {
      const requestId = requestIdFrom(ctx.requestHeaders.get(REQUEST_ID_HEADER));
      ctx.requestId = requestId;
      return next(input, ctx);
    };
}
