import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../platform/log/index.ts';
import {
  type CallContextInit,
  type ProcedureInfo,
  REQUEST_ID_HEADER,
  type RequestHeaders,
} from '../rpc/index.ts';
import type { HttpRouteContext } from './http-route.ts';

/**
 * An HTTP request as what its call context is made from: headers stand in for gRPC metadata
 * (the same `authorization`, `x-api-key`, `traceparent` reach the chain), `x-request-id` reads
 * as the id the server already gave the request (so the chain adopts it and every answer quotes
 * one id), and the route's signal is the call's (aborted when the client goes away). One object
 * a request with its methods on the prototype, for the reason `GrpcCallSource` gives.
 */
export class HttpCallSource implements CallContextInit, RequestHeaders {
  readonly transport = 'http';
  /** The source reads the request's headers itself. */
  readonly requestHeaders: RequestHeaders = this;
  readonly procedure: ProcedureInfo;
  readonly deadline: number | undefined;
  readonly logger: Logger;
  readonly #request: IncomingMessage;
  readonly #route: Pick<HttpRouteContext, 'requestId' | 'signal'>;

  constructor(options: {
    request: IncomingMessage;
    route: Pick<HttpRouteContext, 'requestId' | 'signal'>;
    procedure: ProcedureInfo;
    deadline: number | undefined;
    logger: Logger;
  }) {
    this.#request = options.request;
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

  signal(): AbortSignal {
    return this.#route.signal;
  }
}
