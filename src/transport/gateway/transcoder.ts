import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import {
  appErrorToStatus,
  type CallContext,
  type Contract,
  isAsyncIterable,
  type Procedure,
  type ProcedureTable,
  requestIdFrom,
} from '../rpc/index.ts';
import { isCompressible, maybeCompress } from './compress.ts';
import { httpCallContext } from './http-context.ts';
import { createJsonCodec, type JsonCodec } from './json-codec.ts';
import { assertJsonContentType, parseJsonBody, readBody } from './read-body.ts';
import { readNdjson } from './read-ndjson.ts';
import { assembleRequestJson } from './request-json.ts';
import type { RequestTarget } from './request-target.ts';
import { createRouteTable, queryParamsToJson, type Route, type RouteTable } from './routing/index.ts';
import { appendVary } from './vary.ts';
import { writeError } from './write-error.ts';
import { contentTypeOf, framingFor, writeStreamItem } from './write-stream.ts';

/** Options of {@link createTranscoder}. */
export interface TranscoderOptions {
  contract: Contract;
  procedures: ProcedureTable;
  logger: Logger;
  /** Largest request body (or NDJSON line, for client streaming), in bytes. Default 4 MiB. */
  bodyLimitBytes?: number;
  /**
   * gRPC paths of the methods that are OAuth2 endpoints (token, revocation). Their failures are
   * answered in RFC 6749 §5.2 form even when raised before the procedure runs (a malformed or
   * oversized body), and their answers carry `Pragma: no-cache` (§5.1). Default none.
   */
  oauthMethods?: readonly string[];
}

/** The REST view of every annotated method. */
export interface Transcoder {
  readonly routes: RouteTable;
  readonly codec: JsonCodec;
  /** Serves one request under the REST prefix, errors included. */
  handle(request: IncomingMessage, response: ServerResponse, url: RequestTarget): Promise<void>;
}

/**
 * The HTTP/JSON gateway, in grpc-gateway's stages: route lookup → path bindings → query →
 * body → the same interceptor chain and procedure the gRPC server calls, in process → the
 * response (or stream) → errors as google.rpc.Status JSON with the standard status table.
 */
export function createTranscoder(options: TranscoderOptions): Transcoder {
  const routes = createRouteTable(options.contract);
  const codec = createJsonCodec(options.contract.registry);
  const bodyLimitBytes = options.bodyLimitBytes ?? 4 * 1024 * 1024;
  const { logger } = options;
  const oauthMethods = new Set(options.oauthMethods ?? []);

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: RequestTarget,
  ): Promise<void> {
    let ctx: CallContext | undefined;
    let oauth = false;
    try {
      const found = routes.lookup(request.method ?? 'GET', url.pathname);
      if (found.kind === 'not-found') {
        throw new AppError(
          Code.NOT_FOUND,
          'ROUTE_NOT_FOUND',
          `no route for ${request.method} ${url.pathname}`,
        );
      }
      if (found.kind === 'method-not-allowed') {
        response.setHeader('allow', found.allow.join(', '));
        throw new AppError(
          Code.UNIMPLEMENTED,
          'METHOD_NOT_ALLOWED',
          `${request.method} is not allowed on ${url.pathname}; use ${found.allow.join(', ')}`,
        );
      }
      const { route, bindings } = found;
      oauth = oauthMethods.has(route.method.path);
      const procedure = options.procedures.get(route.method.path);
      if (procedure === undefined) throw new Error(`no procedure for ${route.method.path}`);
      ctx = httpCallContext(request, response, procedure, logger);
      // A route without a body is assembled synchronously: no promise to wait on for a GET.
      const input =
        procedure.kind === 'client_streaming' || procedure.kind === 'bidi_streaming'
          ? streamedInput(request, procedure, route, url, bindings)
          : route.body === undefined
            ? requestOf(procedure, route, url, bindings, {})
            : requestOf(procedure, route, url, bindings, await readUnaryBody(request, procedure, route));
      const output = await procedure.invoke(input, ctx);
      if (isAsyncIterable(output)) await sendStream(request, response, procedure, ctx, output);
      else await sendMessage(request, response, route, procedure, ctx, output, oauth);
    } catch (error) {
      // A request refused before the chain ran (route, body) still gets an id to quote.
      const header = request.headers['x-request-id'];
      const requestId = ctx?.requestId || requestIdFrom(Array.isArray(header) ? header[0] : header);
      writeError(response, error, { codec, requestId, logger, oauth });
    }
  }

  // The body of a unary call with a body: JSON, or a form for `body: "*"`.
  async function readUnaryBody(
    request: IncomingMessage,
    procedure: Procedure,
    route: Route,
  ): Promise<unknown> {
    if (route.body === '*' && isFormEncoded(request)) {
      // HTML forms and OAuth2 clients (RFC 6749 token requests) post form fields: read them
      // with the query-parameter rules, onto the fields the path leaves free. Unknown ones are
      // skipped, as RFC 6749 §3.2 requires of a token endpoint; a repeated singular one is not.
      const form = new URLSearchParams((await readBody(request, bodyLimitBytes)).toString('utf8'));
      const pathFields = route.template.variables.map((variable) => variable.fieldPath);
      return queryParamsToJson(form, {
        message: inputDescOf(procedure),
        boundFields: pathFields,
        ignoreUnknown: true,
      });
    }
    assertJsonContentType(request);
    return parseJsonBody(await readBody(request, bodyLimitBytes));
  }

  // The request message from the path bindings, the query and the body.
  function requestOf(
    procedure: Procedure,
    route: Route,
    url: RequestTarget,
    bindings: Record<string, string>,
    body: unknown,
  ) {
    const json = assembleRequestJson({
      route,
      input: inputDescOf(procedure),
      bindings,
      query: url.search === '' ? undefined : url.searchParams,
      body,
    });
    return codec.requestFromJson(procedure, json);
  }

  function inputDescOf(procedure: Procedure) {
    const input = options.contract.registry.getMessage(procedure.inputType);
    if (input === undefined) throw new Error(`no descriptor for ${procedure.inputType}`);
    return input;
  }

  // Client streaming: each NDJSON line is one message, read as it arrives, never buffered whole.
  async function* streamedInput(
    request: IncomingMessage,
    procedure: Procedure,
    route: Route,
    url: RequestTarget,
    bindings: Record<string, string>,
  ) {
    assertJsonContentType(request, ['application/x-ndjson', 'application/json', 'application/jsonl']);
    for await (const line of readNdjson(request, bodyLimitBytes)) {
      yield requestOf(procedure, route, url, bindings, line);
    }
  }

  // Synchronous for the usual small answer; a large one is compressed first when the client asks.
  function sendMessage(
    request: IncomingMessage,
    response: ServerResponse,
    route: Route,
    procedure: Procedure,
    ctx: CallContext,
    output: unknown,
    oauth: boolean,
  ): Promise<void> | undefined {
    const text = codec.responseToJsonText(procedure, output, route.responseBody);
    if (!isCompressible(text)) {
      writeMessage(response, ctx, text, undefined, oauth);
      return undefined;
    }
    return maybeCompress(request, text).then(({ body, encoding }) => {
      appendVary(response, 'Accept-Encoding');
      writeMessage(response, ctx, body, encoding, oauth);
    });
  }

  function writeMessage(
    response: ServerResponse,
    ctx: CallContext,
    body: string | Buffer,
    encoding: string | undefined,
    oauth: boolean,
  ): void {
    const headers: OutgoingHttpHeaders = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      // API answers carry credentials and live state: no shared or browser cache keeps them
      // (RFC 6749 §5.1 requires it of token responses).
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-request-id': ctx.requestId,
    };
    if (oauth) headers.pragma = 'no-cache';
    if (encoding !== undefined) headers['content-encoding'] = encoding;
    addMetadataHeaders(headers, ctx, true);
    response.writeHead(200, headers);
    response.end(body);
  }

  async function sendStream(
    request: IncomingMessage,
    response: ServerResponse,
    procedure: Procedure,
    ctx: CallContext,
    output: AsyncIterable<unknown>,
  ) {
    const framing = framingFor(request.headers.accept);
    // Headers go out before the first message: only response headers set so far are in them.
    const headers: OutgoingHttpHeaders = {
      'content-type': contentTypeOf(framing),
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'x-request-id': ctx.requestId,
    };
    addMetadataHeaders(headers, ctx, false);
    response.writeHead(200, headers);
    response.flushHeaders();
    const { signal } = ctx;
    try {
      for await (const message of output) {
        if (signal.aborted) break;
        await writeStreamItem(
          response,
          framing,
          'result',
          codec.responseToJsonText(procedure, message),
          signal,
        );
      }
    } catch (error) {
      const status = JSON.stringify(codec.statusToJson(appErrorToStatus(AppError.from(error))));
      if (!signal.aborted) await writeStreamItem(response, framing, 'error', status, signal);
    }
    // Trailers set while streaming follow the body as HTTP trailers (the response is chunked),
    // named Grpc-Trailer-* as grpc-gateway names them.
    if (ctx.responseTrailers.size > 0 && !response.destroyed) {
      response.addTrailers(
        Object.fromEntries([...ctx.responseTrailers].map(([key, value]) => [`grpc-trailer-${key}`, value])),
      );
    }
    response.end();
  }

  return { routes, codec, handle };
}

function isFormEncoded(request: IncomingMessage): boolean {
  return (
    (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ===
    'application/x-www-form-urlencoded'
  );
}

// Response metadata reaches HTTP clients as Grpc-Metadata-* headers (grpc-gateway's convention);
// a unary call's trailers too, since its whole answer is known before the headers go out.
function addMetadataHeaders(headers: OutgoingHttpHeaders, ctx: CallContext, withTrailers: boolean): void {
  for (const [key, value] of ctx.responseHeaders) headers[`grpc-metadata-${key}`] = value;
  if (withTrailers) for (const [key, value] of ctx.responseTrailers) headers[`grpc-metadata-${key}`] = value;
}
