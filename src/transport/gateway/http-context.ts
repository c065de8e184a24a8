import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../platform/log/index.ts';
import { type CallContext, createCallContext, grpcTimeoutMs, type Procedure } from '../rpc/index.ts';
import { HttpCallSource } from './http-call-source.ts';
import type { HttpRouteContext } from './http-route.ts';

/**
 * The call context of an HTTP request (see {@link HttpCallSource}); a `grpc-timeout` header sets
 * the deadline as it does for gRPC.
 */
export function httpCallContext(
  request: IncomingMessage,
  response: ServerResponse,
  route: HttpRouteContext,
  procedure: Procedure,
  logger: Logger,
): CallContext {
  const deadline = deadlineFrom(request.headers['grpc-timeout']);
  return createCallContext(new HttpCallSource({ request, response, route, procedure, deadline, logger }));
}

/** The epoch deadline a `grpc-timeout` header sets; undefined without a valid one. */
export function deadlineFrom(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const timeoutMs = value === undefined ? undefined : grpcTimeoutMs(value);
  return timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
}
