import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { nodeHttp } from '../../platform/net/index.ts';
import { type Interceptor, REQUEST_ID_HEADER } from '../rpc/index.ts';
import { createApiRoute } from './api-route.ts';
import { applyCors } from './cors.ts';
import { createDocsRoutes } from './docs-routes.ts';
import { guardHttpRoute } from './guarded-route.ts';
import { createHealthRoutes } from './health-routes.ts';
import type { HttpRoute } from './http-route.ts';
import { createHttpRouter } from './http-router.ts';
import { codeToHttpStatus } from './http-status.ts';
import { createOpenApiRoute, OPENAPI_PATH } from './openapi-route.ts';
import type { ReadinessProbe } from './probes.ts';
import { requestIdOf } from './request-id.ts';
import { parseRequestTarget } from './request-target.ts';
import { RouteContext } from './route-context.ts';
import { methodNotAllowed, routeNotFound } from './route-errors.ts';
import type { Transcoder } from './transcoder.ts';
import { discardUnreadBody, mayHaveBody } from './unread-body.ts';
import { createWellKnownRoutes, type WellKnownDocuments } from './well-known-routes.ts';
import { writeError } from './write-error.ts';

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  logger: Logger;
  /** Dependencies checked by `/readyz`. */
  readiness: ReadinessProbe;
  /** The REST view of the procedures, served under `/api/`. */
  transcoder: Transcoder;
  /** `HCS_CORS_ORIGINS`: who may read the routes whose `cors` is `configured`. Default `["*"]`. */
  corsOrigins?: readonly string[];
  /** Builds the OpenAPI document served at {@link OPENAPI_PATH}; called once, on its first request. */
  openApi: () => Record<string, unknown>;
  /** The documents under `/.well-known/`. Default: none served. */
  wellKnown?: WellKnownDocuments;
  /**
   * Routes services add next to the built-in ones (an HTTP proxy, a raw file download, …).
   * A conflict between them, or with a built-in route, throws here. Default none.
   */
  routes?: readonly HttpRoute[];
  /**
   * The RPC interceptor chain: a route in `routes` whose policy is not public runs through it
   * (see {@link HttpRoute.policy}). Required when such a route is given; default none.
   */
  interceptors?: readonly Interceptor[];
  /**
   * Most bytes of a request body its route left unread that are read and dropped after the
   * answer, to keep the connection for the next request; past it the connection is closed
   * (see `discardUnreadBody`). Default 4 MiB.
   */
  unreadBodyLimitBytes?: number;
}

/** The HTTP listener: liveness, readiness, the REST gateway, its documents and services' routes. */
export interface HttpServer {
  /** Binds and starts serving; resolves to the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Marks the process as draining: `/readyz` answers 503 from now on. */
  drain(): void;
  /**
   * Stops accepting connections and closes idle ones; waits for in-flight requests up to
   * `timeoutMs`, closing each connection as soon as it has no request left.
   */
  close(timeoutMs: number): Promise<void>;
}

const ANY_ORIGIN: readonly string[] = ['*'];

/**
 * Creates the HTTP server; nothing listens until {@link HttpServer.listen}. Each request is
 * given its id, its target is read, and the route table picks the route by path, then method
 * (HEAD by GET's route; a preflight is answered from the path's methods). Every refusal (400,
 * 404, 405 with `Allow`) and whatever a route throws goes through the one error writer with
 * `x-request-id`; a 5xx is logged with the request id and its cause. A body the route did not
 * read to its end is dropped after the answer, so the connection serves its next request (see
 * `discardUnreadBody`). Throws when routes conflict.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  let draining = false;
  const { transcoder, logger } = options;
  const corsOrigins = options.corsOrigins ?? ANY_ORIGIN;
  const unreadBodyLimitBytes = options.unreadBodyLimitBytes ?? 4 * 1024 * 1024;
  const router = createHttpRouter({
    builtin: [
      ...createHealthRoutes({ readiness: options.readiness, draining: () => draining }),
      createOpenApiRoute(options.openApi),
      ...createDocsRoutes(OPENAPI_PATH),
      ...(options.wellKnown === undefined ? [] : createWellKnownRoutes(options.wellKnown)),
      createApiRoute(transcoder),
    ],
    extra: (options.routes ?? []).map((route) => guardedRoute(route, options)),
  });
  const server: Server = nodeHttp.createServer(dispatch);
  server.keepAliveTimeout = 5_000;

  function dispatch(request: IncomingMessage, response: ServerResponse): void {
    // A request on a connection kept from before the drain: its answer is that connection's last.
    if (draining) response.setHeader('connection', 'close');
    if (mayHaveBody(request)) response.once('finish', () => discardUnreadBody(request, unreadBodyLimitBytes));
    const requestId = requestIdOf(request);
    try {
      const target = parseRequestTarget(request.url ?? '/');
      const path = target.pathname;
      const routes = router.find(path);
      if (routes === undefined) throw routeNotFound(request.method, path);
      if (
        routes.cors !== 'none' &&
        request.headers.origin !== undefined &&
        applyCors(
          request,
          response,
          routes.cors === 'any' ? ANY_ORIGIN : corsOrigins,
          () => routes.allowed(path),
          requestId,
        )
      ) {
        return;
      }
      const route = routes.route(request.method ?? 'GET');
      if (route === undefined) {
        const allow = routes.allowed(path);
        response.setHeader('allow', allow.join(', '));
        throw methodNotAllowed(request.method, path, allow);
      }
      if (route.writesRequestId !== true) response.setHeader(REQUEST_ID_HEADER, requestId);
      const answered = route.handle(request, response, new RouteContext(requestId, target, response, logger));
      if (answered !== undefined)
        answered.then(undefined, (error: unknown) => fail(request, response, requestId, error));
    } catch (error) {
      fail(request, response, requestId, error);
    }
  }

  function fail(request: IncomingMessage, response: ServerResponse, requestId: string, error: unknown): void {
    const appError = AppError.from(error);
    if (codeToHttpStatus(appError.code) >= 500) {
      logger.error(
        { err: appError.cause ?? appError, requestId, method: request.method, url: request.url },
        `http request failed: ${appError.message}`,
      );
    }
    writeError(response, appError, { codec: transcoder.codec, requestId, logger });
  }

  return {
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    drain() {
      draining = true;
    },
    close(timeoutMs) {
      return new Promise((resolve) => {
        // A connection busy now is idle once its last answer is out: close it then, not after
        // the keep-alive timeout (Go's Shutdown polls the same way).
        const closeIdle = setInterval(() => server.closeIdleConnections(), 100);
        const timer = setTimeout(() => {
          clearInterval(closeIdle);
          server.closeAllConnections();
          resolve();
        }, timeoutMs);
        server.close(() => {
          clearInterval(closeIdle);
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

function guardedRoute(route: HttpRoute, options: HttpServerOptions): HttpRoute {
  if (route.policy === undefined || route.policy.public) return route;
  if (options.interceptors === undefined) {
    throw new Error(
      `HTTP route ${route.name ?? route.path} has a policy but the server was given no interceptor chain`,
    );
  }
  return guardHttpRoute(route, { interceptors: options.interceptors, logger: options.logger });
}
