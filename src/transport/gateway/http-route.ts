import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../platform/log/index.ts';
import type { Policy, Principal } from '../rpc/index.ts';
import type { RequestTarget } from './request-target.ts';

/**
 * Which browser origins may read a route's answers:
 * - `configured`: the origins of `HCS_CORS_ORIGINS`, as for the REST API;
 * - `any`: every origin, answered with `*` (public documents such as a JWKS);
 * - `none`: no CORS headers at all; a preflight is answered 405 like any OPTIONS the route
 *   does not serve, so browsers on other origins cannot call it.
 */
export type HttpRouteCors = 'configured' | 'any' | 'none';

/**
 * One entry of the HTTP server's route table: a built-in endpoint, or one a service adds
 * (`createHttpServer({ routes })`), such as an HTTP proxy or a raw file download.
 *
 * The server looks the path up first, then the method: an exact path wins over every prefix, the
 * longest matching prefix over shorter ones, and the path's routes answer for it alone (a method
 * none of them serves is 405 with `Allow`, never another route's). Routes are checked when the
 * server is created: the same method twice at one path, routes at one path that disagree on
 * `cors`, or a service route at a built-in path or under a built-in prefix where that prefix
 * serves something, is an Error naming both.
 */
export interface HttpRoute {
  /** Names the route in conflict messages and logs, e.g. `registry HTTP proxy`. Default: `${methods} ${path}`. */
  readonly name?: string;
  /**
   * The methods served, upper case (`GET`, `POST`, …). Every GET route serves HEAD too (the
   * same status and headers, the body dropped by node:http) unless the path declares HEAD
   * itself. `['*']` takes every method; the handler then refuses the ones it does not serve
   * (AppError with reason `METHOD_NOT_ALLOWED`, after setting `Allow`).
   */
  readonly methods: readonly string[];
  /**
   * An exact path (`/healthz`), or a prefix ending in `/*` (`/api/v1/proxy/*`), which takes
   * every path below it (`/api/v1/proxy/x/y`) but not the bare `/api/v1/proxy`. Plain
   * characters only: the path is compared with the request's raw, still encoded, path.
   */
  readonly path: string;
  /** Who may read the answers from a browser on another origin. Default `configured`. */
  readonly cors?: HttpRouteCors;
  /**
   * Who may call the route, in the terms of a method's `(hcs.v1.policy)`. Unless it is public,
   * each request first runs through the RPC interceptor chain itself — the same credentials
   * (`Authorization: Bearer`, `x-api-key`), the same authenticator, refusals audited and the call
   * logged — and is answered 401 with `WWW-Authenticate` or 403 with a google.rpc.Status body
   * when refused; `handle` then sees the caller as `ctx.principal`. `grpc-timeout` sets no
   * deadline here: a raw route watches `ctx.signal` and its own timeouts. Default: public
   * (no credentials read, `ctx.principal` anonymous).
   */
  readonly policy?: Policy;
  /** How the route appears in the OpenAPI document. Default: it does not. */
  readonly openApi?: HttpRouteDocs;
  /**
   * Answers one request. When it runs, `x-request-id` and the CORS headers are already set on
   * `response`. Whatever it throws or rejects with is answered through the gateway's error
   * writer (an AppError by its code; anything else 500 `internal error`, the cause logged with
   * the request id); once the headers are sent, the response is destroyed instead.
   */
  handle(request: IncomingMessage, response: ServerResponse, ctx: HttpRouteContext): void | Promise<void>;
}

/**
 * An {@link HttpRoute} in the OpenAPI document: one operation per method, with the route's
 * `policy` as its security (and `x-hcs-policy`) and google.rpc.Status as every error body.
 */
export interface HttpRouteDocs {
  /**
   * The path as OpenAPI writes it, a `{name}` per path parameter
   * (`/api/v1/proxy/{service}/{path}`). Default the route's path; required for a prefix route.
   */
  readonly path?: string;
  /** The methods documented, upper case. Default the route's; required for a route taking `*`. */
  readonly methods?: readonly string[];
  /** The tag grouping the operations, e.g. `RegistryService`. */
  readonly tag: string;
  /** Prefix of each operation's `operationId`, followed by `_` and the method (`RegistryProxy_get`). */
  readonly operationId: string;
  /** One line. */
  readonly summary: string;
  /** Markdown. Default none. */
  readonly description?: string;
  /** OpenAPI parameter objects (path, query, header). Default none. */
  readonly parameters?: readonly Record<string, unknown>[];
  /** The request body object, for methods other than GET, HEAD, DELETE and OPTIONS. Default none. */
  readonly requestBody?: Record<string, unknown>;
  /** Response objects by status (`200`, `2XX`). Default none. */
  readonly responses?: Readonly<Record<string, Record<string, unknown>>>;
  /**
   * Error answers worth naming, status → when (`{ '502': 'the instance failed' }`), each with the
   * google.rpc.Status body; 401 and 403 are added for a route that is not public. Every other
   * error is the `default` response, google.rpc.Status too.
   */
  readonly errors?: Readonly<Record<string, string>>;
}

/** What the server knows of a request when it hands it to an {@link HttpRoute}. */
export interface HttpRouteContext {
  /**
   * The request's id: the client's `x-request-id` when it is short and plain, else a new one.
   * The same id is on the response, in the logs and in any error body.
   */
  readonly requestId: string;
  /** The request target, read once: the raw path (`pathname`) and the query. */
  readonly target: RequestTarget;
  /**
   * Aborted, with a CANCELLED AppError, when the client goes away before the response is
   * finished. Made on first read: watching the connection costs every request that does it.
   */
  readonly signal: AbortSignal;
  /** The server's logger with `requestId` on every line (made on first read). */
  readonly logger: Logger;
  /** The caller, authenticated when the route has a policy that is not public; else anonymous. */
  readonly principal: Principal;
}
