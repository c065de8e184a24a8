import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { requestIdFrom } from '../rpc/index.ts';
import { type ContentCoding, compress, negotiateEncoding } from './compress.ts';
import { applyCors } from './cors.ts';
import { createDocs, DOCS_PATH } from './docs.ts';
import type { ReadinessProbe } from './probes.ts';
import { parseRequestTarget, type RequestTarget } from './request-target.ts';
import type { Transcoder } from './transcoder.ts';
import { appendVary } from './vary.ts';
import { writeError } from './write-error.ts';

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  logger: Logger;
  /** Dependencies checked by `/readyz`. */
  readiness: ReadinessProbe;
  /** The REST view of the procedures, served under `/api/`. */
  transcoder: Transcoder;
  /** `HCS_CORS_ORIGINS`. Default `["*"]`. */
  corsOrigins?: readonly string[];
  /** The OpenAPI document served at {@link OPENAPI_PATH}. */
  openApi: Record<string, unknown>;
  /** The documents under `/.well-known/`. Default: none served. */
  wellKnown?: WellKnownDocuments;
}

/** The public documents other services read to verify hcs tokens without calling hcs. */
export interface WellKnownDocuments {
  /** `/.well-known/jwks.json` (RFC 7517): the token-verifying public keys; empty for HS256. */
  jwks(): unknown;
  /** `/.well-known/oauth-authorization-server` (RFC 8414) for a request to `host`. */
  authorizationServer(host: string | undefined): unknown;
}

/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = '/api/v1/openapi.json';

/** Prefix of every REST route. */
export const API_PREFIX = '/api/';

/** The HTTP listener: liveness, readiness and the REST gateway. */
export interface HttpServer {
  /** Binds and starts serving; resolves to the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Marks the process as draining: `/readyz` answers 503 from now on. */
  drain(): void;
  /** Stops accepting connections and closes idle ones; waits for in-flight requests up to `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}

/** Creates the HTTP server; nothing listens until {@link HttpServer.listen}. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  let draining = false;
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger.error({ err: error, url: request.url }, 'http handler failed');
      if (!response.headersSent)
        sendJson(response, 500, { code: Code.INTERNAL, message: 'internal error', details: [] });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  const { transcoder } = options;
  const corsOrigins = options.corsOrigins ?? ['*'];
  const openApiJson = JSON.stringify(options.openApi);
  // The document never changes while the server runs: each coding is compressed once.
  const compressedOpenApiByCoding = new Map<ContentCoding, Promise<Buffer>>();
  const compressedOpenApi = (encoding: ContentCoding) => {
    let compressed = compressedOpenApiByCoding.get(encoding);
    if (compressed === undefined) {
      compressed = compress(openApiJson, encoding);
      compressedOpenApiByCoding.set(encoding, compressed);
    }
    return compressed;
  };
  const serveDocs = createDocs(OPENAPI_PATH);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let url: RequestTarget;
    try {
      url = parseRequestTarget(request.url ?? '/');
    } catch (error) {
      const header = request.headers['x-request-id'];
      const requestId = requestIdFrom(Array.isArray(header) ? header[0] : header);
      writeError(response, error, { codec: transcoder.codec, requestId, logger: options.logger });
      return;
    }
    const path = url.pathname;
    if (path === OPENAPI_PATH && (request.method === 'GET' || request.method === 'HEAD')) {
      applyCors(request, response, corsOrigins, () => ['GET']);
      const encoding = negotiateEncoding(request);
      const body = encoding === undefined ? openApiJson : await compressedOpenApi(encoding);
      appendVary(response, 'Accept-Encoding');
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
        ...(encoding ? { 'content-encoding': encoding } : {}),
      });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    if (
      (path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`)) &&
      request.method === 'GET' &&
      serveDocs(path, response)
    ) {
      return;
    }
    if (path.startsWith('/.well-known/') && options.wellKnown !== undefined) {
      const document =
        path === '/.well-known/jwks.json'
          ? options.wellKnown.jwks()
          : path === '/.well-known/oauth-authorization-server'
            ? options.wellKnown.authorizationServer(request.headers.host)
            : undefined;
      if (document !== undefined) {
        // Public, read by other services' token verifiers, possibly from browsers.
        if (applyCors(request, response, ['*'], () => ['GET'])) return;
        if (refusedUnlessGet(request, response, path)) return;
        // The key set is the same for everyone; the metadata may be built from the Host header,
        // so no shared cache may keep one client's answer for another.
        sendJson(
          response,
          200,
          document,
          path === '/.well-known/jwks.json' ? 'public, max-age=300' : 'no-store',
        );
        return;
      }
    }
    if (path.startsWith(API_PREFIX)) {
      const answered = applyCors(request, response, corsOrigins, () => allowedMethods(path));
      if (!answered) await transcoder.handle(request, response, url);
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      if (refusedUnlessGet(request, response, path)) return;
      if (path === '/healthz') {
        sendJson(response, 200, { status: 'ok' });
        return;
      }
      const checks = await options.readiness();
      const ready = !draining && checks.every((check) => check.ok);
      sendJson(response, ready ? 200 : 503, {
        status: draining ? 'draining' : ready ? 'ready' : 'not ready',
        checks: Object.fromEntries(
          checks.map((check) => [check.name, { ok: check.ok, detail: check.detail }]),
        ),
      });
      return;
    }
    writeError(
      response,
      new AppError(Code.NOT_FOUND, 'ROUTE_NOT_FOUND', `no route for ${request.method} ${path}`),
      {
        codec: transcoder.codec,
        requestId: '',
        logger: options.logger,
      },
    );
  }

  // For a preflight: the methods the path accepts, so the browser learns them in one round trip.
  function allowedMethods(path: string): string[] {
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(
      (method) => transcoder.routes.lookup(method, path).kind === 'found',
    );
    return methods.length > 0 ? methods : ['GET'];
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
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, timeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

/** Answers 405 with `Allow: GET, HEAD` to any other method; true when it did. */
function refusedUnlessGet(request: IncomingMessage, response: ServerResponse, path: string): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  response.setHeader('allow', 'GET, HEAD');
  sendJson(response, 405, {
    code: Code.UNIMPLEMENTED,
    message: `${request.method} is not allowed on ${path}`,
    details: [],
  });
  return true;
}

function sendJson(response: ServerResponse, status: number, body: unknown, cacheControl = 'no-store'): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
    'cache-control': cacheControl,
  });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}
