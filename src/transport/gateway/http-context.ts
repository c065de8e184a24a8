import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { type CallContext, createCallContext, type Procedure } from '../rpc/index.ts';

/**
 * The call context of an HTTP request: headers stand in for gRPC metadata (the same
 * `authorization`, `x-api-key`, `x-request-id`, `traceparent` reach the chain), the client
 * closing the connection before the response is done aborts `ctx.signal`, and a `grpc-timeout`
 * header sets the deadline as it does for gRPC.
 */
export function httpCallContext(
  request: IncomingMessage,
  response: ServerResponse,
  procedure: Procedure,
  logger: Logger,
): CallContext {
  return createCallContext({
    procedure,
    transport: 'http',
    peer: () => `${request.socket.remoteAddress ?? 'unknown'}:${request.socket.remotePort ?? 0}`,
    requestHeaders: {
      get(name) {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      },
    },
    // Watched only once something reads `ctx.signal`: a listener per request costs every call.
    signal: () => {
      const controller = new AbortController();
      const cancel = () => {
        if (!response.writableFinished) controller.abort(cancellation());
      };
      if (response.destroyed) cancel();
      else response.once('close', cancel);
      return controller.signal;
    },
    deadline: deadlineFrom(request.headers['grpc-timeout']),
    logger,
  });
}

function cancellation(): AppError {
  return new AppError(Code.CANCELLED, PlatformReason.CANCELLED, 'the client closed the connection');
}

const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/** Parses a gRPC timeout (`5S`, `250m`, at most 8 digits and a unit) into an epoch deadline. */
export function deadlineFrom(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^(\d{1,8})([HMSmun])$/.exec(value);
  if (match === null) return undefined;
  return Date.now() + Number(match[1]) * (UNIT_MS[match[2] ?? 'S'] ?? 1000);
}
