import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../platform/log/index.ts';
import { type CallContext, createCallContext, type Procedure } from '../rpc/index.ts';
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

const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/** Parses a gRPC timeout (`5S`, `250m`, at most 8 digits and a unit) into an epoch deadline. */
export function deadlineFrom(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^(\d{1,8})([HMSmun])$/.exec(value);
  if (match === null) return undefined;
  return Date.now() + Number(match[1]) * (UNIT_MS[match[2] ?? 'S'] ?? 1000);
}
