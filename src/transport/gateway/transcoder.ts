import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { DescField } from '@bufbuild/protobuf';
import { AppError } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import {
  appErrorToStatus,
  type CallContext,
  type Contract,
  isAsyncIterable,
  type Procedure,
  type ProcedureTable,
  readFirst,
  responseHeadersOf,
  responseTrailersOf,
} from '../rpc/index.ts';
import { isCompressible, maybeCompress } from './compress.ts';
import {
  type HttpBodyOf,
  HttpBodyReason,
  httpBodyFieldOf,
  httpBodyOfOutput,
  readRawBody,
  sendHttpBody,
} from './http-body.ts';
import { httpCallContext } from './http-context.ts';
import type { HttpRouteContext } from './http-route.ts';
import { createJsonCodec, type JsonCodec } from './json-codec.ts';
import { assertJsonContentType, parseJsonBody, readBody } from './read-body.ts';
import { readNdjson } from './read-ndjson.ts';
import { assembleRequestJson } from './request-json.ts';
import type { RequestTarget } from './request-target.ts';
import { methodNotAllowed, routeNotFound } from './route-errors.ts';
import { createRouteTable, queryParamsToJson, type Route, type RouteTable } from './routing/index.ts';
import { assertUtf8, assertUtf8PercentEncoding } from './utf8.ts';
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
   * Largest raw request body (a `google.api.HttpBody` field, see `http-body.ts`), counted over
   * the whole body, however it is streamed. Default `bodyLimitBytes`.
   */
  rawBodyLimitBytes?: number;
}

/** The REST view of every annotated method. */
export interface Transcoder {
  readonly routes: RouteTable;
  readonly codec: JsonCodec;
  /**
   * Serves one request under the REST prefix, errors included (a HEAD as its path's GET, without
   * the body). Every answer carries `ctx.requestId` as `x-request-id`, written in its one
   * `writeHead`.
   */
  handle(request: IncomingMessage, response: ServerResponse, ctx: HttpRouteContext): Promise<void>;
}

/**
 * The HTTP/JSON gateway, in grpc-gateway's stages: route lookup → path bindings → query →
 * body → the same interceptor chain and procedure the gRPC server calls, in process → the
 * response (or stream) → errors as google.rpc.Status JSON with the standard status table.
 *
 * Bodies are JSON (NDJSON or SSE for streams), except where a rule's `body` or `response_body`
 * names a `google.api.HttpBody`: those are raw bytes, streamed both ways, with the method's
 * entity headers (ETag, Content-Length, Content-Range…) and 206/416 for ranges (`http-body.ts`).
 */
export function createTranscoder(options: TranscoderOptions): Transcoder {
  const routes = createRouteTable(options.contract);
  const codec = createJsonCodec(options.contract.registry);
  const bodyLimitBytes = options.bodyLimitBytes ?? 4 * 1024 * 1024;
  const rawBodyLimitBytes = options.rawBodyLimitBytes ?? bodyLimitBytes;
  const { logger } = options;
  // Per route, found on first use: where its raw request body goes and how to find its raw answer.
  const rawShapes = new Map<Route, { input: DescField | undefined; output: HttpBodyOf | undefined }>();
  const rawShapeOf = (route: Route, procedure: Procedure) => {
    let shape = rawShapes.get(route);
    if (shape === undefined) {
      const output = options.contract.registry.getMessage(procedure.outputType);
      shape = {
        input: httpBodyFieldOf(inputDescOf(procedure), route.body),
        output: output === undefined ? undefined : httpBodyOfOutput(output, route.responseBody),
      };
      rawShapes.set(route, shape);
    }
    return shape;
  };

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    routeCtx: HttpRouteContext,
  ): Promise<void> {
    const url = routeCtx.target;
    let oauth = false;
    try {
      const found = routes.lookup(request.method ?? 'GET', url.pathname);
      if (found.kind === 'not-found') throw routeNotFound(request.method, url.pathname);
      if (found.kind === 'method-not-allowed') {
        response.setHeader('allow', found.allow.join(', '));
        throw methodNotAllowed(request.method, url.pathname, found.allow);
      }
      const { route, bindings } = found;
      // An OAuth2 endpoint answers every failure in RFC 6749 form, even one raised before the
      // procedure runs (a malformed or oversized body), and its answers carry `Pragma: no-cache`.
      oauth = route.method.httpErrorFormat === 'oauth2';
      const procedure = options.procedures.get(route.method.path);
      if (procedure === undefined) throw new Error(`no procedure for ${route.method.path}`);
      const ctx = httpCallContext(request, response, routeCtx, procedure, logger);
      const raw = rawShapeOf(route, procedure);
      const streamingInput = procedure.kind === 'client_streaming' || procedure.kind === 'bidi_streaming';
      // A route without a body is assembled synchronously: no promise to wait on for a GET.
      const input =
        raw.input !== undefined
          ? await rawInput(request, procedure, route, url, bindings, raw.input, streamingInput)
          : streamingInput
            ? await readFirst(streamedInput(request, procedure, route, url, bindings))
            : route.body === undefined
              ? requestOf(procedure, route, url, bindings, {})
              : requestOf(procedure, route, url, bindings, await readUnaryBody(request, procedure, route));
      const output = await procedure.invoke(input, ctx);
      if (raw.output !== undefined) {
        await sendHttpBody(
          request,
          response,
          ctx,
          isAsyncIterable(output) ? output : single(output),
          raw.output,
        );
      } else if (isAsyncIterable(output))
        await sendStream(request, response, procedure, ctx, output, routeCtx.signal);
      else await sendMessage(request, response, route, procedure, ctx, output, oauth);
    } catch (error) {
      // What the procedure threw the chain has logged, as an AppError; anything else is the
      // gateway's own failure.
      if (!(error instanceof AppError)) {
        logger.error({ err: error, requestId: routeCtx.requestId }, 'REST gateway failed');
      }
      writeError(response, error, {
        codec,
        requestId: routeCtx.requestId,
        logger,
        oauth,
        headers: rangeErrorHeaders(error),
      });
    }
  }

  // A raw body: the request fields from the path and query once, then the bytes in the HttpBody
  // field, one message per chunk as they arrive for a client stream, or all of them for a unary
  // call. Built as messages directly: base64 in JSON and back would cost more than the bytes.
  async function rawInput(
    request: IncomingMessage,
    procedure: Procedure,
    route: Route,
    url: RequestTarget,
    bindings: Record<string, string>,
    field: DescField,
    streaming: boolean,
  ): Promise<unknown> {
    const base = requestOf(procedure, route, url, bindings, {}) as Record<string, unknown>;
    const contentType = request.headers['content-type'] ?? '';
    const withData = (data: Buffer) => ({
      ...base,
      [field.localName]: { contentType, data, extensions: [] },
    });
    const chunks = readRawBody(request, rawBodyLimitBytes);
    if (streaming) {
      return readFirst(
        (async function* rawMessages() {
          for await (const chunk of chunks) yield withData(chunk);
        })(),
      );
    }
    const parts: Buffer[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return withData(Buffer.concat(parts));
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
      const bytes = await readBody(request, bodyLimitBytes);
      assertUtf8(bytes, 'the request body');
      const text = bytes.toString('utf8');
      assertUtf8PercentEncoding(text, 'the request body');
      const form = new URLSearchParams(text);
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
    if (url.search !== '') assertUtf8PercentEncoding(url.search, 'the query string');
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
    clientGone: AbortSignal,
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
    if (request.method === 'HEAD') {
      // The stream's headers, no body: the stream is closed before it produces anything.
      response.end();
      await output[Symbol.asyncIterator]().return?.();
      return;
    }
    response.flushHeaders();
    // The call's signal aborts when the client goes away or the deadline passes; only in the
    // second case is there someone to tell, with an error item, as gRPC ends with the status.
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
      if (signal.aborted && !clientGone.aborted) throw signal.reason;
    } catch (error) {
      const status = JSON.stringify(codec.statusToJson(appErrorToStatus(AppError.from(error))));
      if (!clientGone.aborted) await writeStreamItem(response, framing, 'error', status, signal);
    }
    // Trailers set while streaming follow the body as HTTP trailers (the response is chunked),
    // named Grpc-Trailer-* as grpc-gateway names them.
    const trailers = responseTrailersOf(ctx);
    if (trailers.size > 0 && !response.destroyed) {
      response.addTrailers(
        Object.fromEntries([...trailers].map(([key, value]) => [`grpc-trailer-${key}`, value])),
      );
    }
    response.end();
  }

  return { routes, codec, handle };
}

async function* single(message: unknown): AsyncGenerator<unknown> {
  yield message;
}

// A 416 says which range the content has (RFC 9110 §15.5.17), from the error's metadata.
function rangeErrorHeaders(error: unknown): Record<string, string> | undefined {
  if (!(error instanceof AppError) || error.reason !== HttpBodyReason.RANGE_NOT_SATISFIABLE) return undefined;
  const range = error.details.metadata?.content_range;
  return range === undefined ? undefined : { 'content-range': range };
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
  for (const [key, value] of responseHeadersOf(ctx)) headers[`grpc-metadata-${key}`] = value;
  if (withTrailers)
    for (const [key, value] of responseTrailersOf(ctx)) headers[`grpc-metadata-${key}`] = value;
}
