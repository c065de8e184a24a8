import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../platform/log/index.ts';
import {
  type CallContextInit,
  deadlineExceeded,
  onDeadline,
  type ProcedureInfo,
  REQUEST_ID_HEADER,
  type RequestHeaders,
} from '../rpc/index.ts';
import type { HttpRouteContext } from './http-route.ts';

/**
 * An HTTP request as what its call context is made from: headers stand in for gRPC metadata
 * (the same `authorization`, `x-api-key`, `traceparent` reach the chain), `x-request-id` reads
 * as the id the server already gave the request (so the chain adopts it and every answer quotes
 * one id), and the route's signal is the call's (aborted when the client goes away, or the
 * deadline passes). One object a request with its methods on the prototype, for the reason
 * `GrpcCallSource` gives.
 */
export class HttpCallSource implements CallContextInit, RequestHeaders {
  readonly transport = 'http';
  /** The source reads the request's headers itself. */
  readonly requestHeaders: RequestHeaders = this;
  readonly procedure: ProcedureInfo;
  readonly deadline: number | undefined;
  readonly logger: Logger;
  readonly #request: IncomingMessage;
  readonly #response: ServerResponse;
  readonly #route: Pick<HttpRouteContext, 'requestId' | 'signal'>;

  constructor(options: {
    request: IncomingMessage;
    response: ServerResponse;
    route: Pick<HttpRouteContext, 'requestId' | 'signal'>;
    procedure: ProcedureInfo;
    deadline: number | undefined;
    logger: Logger;
  }) {
    this.#request = options.request;
    this.#response = options.response;
    this.#route = options.route;
    this.procedure = options.procedure;
    this.deadline = options.deadline;
    this.logger = options.logger;
  }

  /** The first value of a request header (names are lower-case). */
  get(name: string): string | undefined {
    if (name === REQUEST_ID_HEADER) return this.#route.requestId;
    const value = this.#request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  peer(): string {
    const { socket } = this.#request;
    return `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
  }

  // The route's signal aborts when the client goes away. With a deadline it also aborts when the
  // deadline passes: the chain answers 504 then without waiting for the procedure, which must
  // still be told to stop, and a keep-alive client does not go away. The timer ends with the
  // response, so a request answered in time leaves nothing behind until its deadline.
  signal(): AbortSignal {
    const client = this.#route.signal;
    const { deadline } = this;
    if (deadline === undefined || client.aborted) return client;
    const controller = new AbortController();
    const timer = onDeadline(deadline, () => controller.abort(deadlineExceeded()));
    const onClientGone = () => {
      timer.clear();
      controller.abort(client.reason);
    };
    client.addEventListener('abort', onClientGone, { once: true });
    this.#response.once('close', () => {
      timer.clear();
      client.removeEventListener('abort', onClientGone);
      // The 504 may have gone out a moment before this timer was due.
      if (deadline <= Date.now()) controller.abort(deadlineExceeded());
    });
    return controller.signal;
  }
}
