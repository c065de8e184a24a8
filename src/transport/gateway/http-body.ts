import { once } from 'node:events';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { CallContext } from '../rpc/index.ts';
import { BodyReason, bodyChunks, bodyReadError } from './read-body.ts';

/**
 * `google.api.HttpBody`: a body the gateway passes through raw instead of as JSON, the way
 * grpc-gateway does.
 *
 * - Response: a method whose output is an HttpBody, or whose `response_body` names an HttpBody
 *   field, answers with the bytes of `data` and the `content_type` of the first message (default
 *   `application/octet-stream`); a server-streaming one streams every message's `data` as one
 *   body. The method's response metadata named in {@link RAW_RESPONSE_HEADERS} become plain
 *   HTTP headers (the rest `Grpc-Metadata-*`); a `content-range` among them makes the status 206.
 * - Request: a method whose `body` names an HttpBody field receives the raw request bytes in
 *   it (`content_type` from the request's Content-Type); the other fields come from the path
 *   and the query. A client-streaming one receives one message per chunk as the bytes arrive,
 *   never the whole body, each message carrying the same path and query fields.
 * - Errors: {@link HttpBodyReason.RANGE_NOT_SATISFIABLE} is 416, with the error's
 *   `content_range` metadata as its Content-Range.
 */
export const HTTP_BODY_TYPE = 'google.api.HttpBody';

/** Reasons with an HTTP meaning only a raw body has. */
export const HttpBodyReason = {
  /**
   * OUT_OF_RANGE for a `Range` the content cannot satisfy: HTTP 416. Metadata `content_range`
   * (`bytes *\/<size>`) is sent as the Content-Range header.
   */
  RANGE_NOT_SATISFIABLE: 'RANGE_NOT_SATISFIABLE',
} as const;

/** Response metadata written as the HTTP headers of the same name on a raw answer. */
export const RAW_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'accept-ranges',
  'cache-control',
  'content-disposition',
  'content-length',
  'content-range',
  'etag',
  'last-modified',
]);

/** The HttpBody field a route's `body` or `response_body` names, if it names one. */
export function httpBodyFieldOf(message: DescMessage, fieldName: string | undefined): DescField | undefined {
  if (fieldName === undefined || fieldName === '*') return undefined;
  const field = message.fields.find((candidate) => candidate.name === fieldName);
  return field?.message?.typeName === HTTP_BODY_TYPE ? field : undefined;
}

/** How a raw answer finds its HttpBody in each output message. */
export type HttpBodyOf = (message: unknown) => { contentType: string; data: Uint8Array } | undefined;

/** The HttpBody of a method's answers, or undefined when they are JSON. */
export function httpBodyOfOutput(
  output: DescMessage,
  responseBody: string | undefined,
): HttpBodyOf | undefined {
  if (output.typeName === HTTP_BODY_TYPE && responseBody === undefined) return (message) => message as never;
  const field = httpBodyFieldOf(output, responseBody);
  if (field === undefined) return undefined;
  const key = field.localName;
  return (message) => (message as Record<string, never>)[key];
}

/**
 * Reads a raw request body in the chunks it arrives in, refusing it (RESOURCE_EXHAUSTED
 * `BODY_TOO_LARGE`, HTTP 413) by Content-Length up front or as soon as the total passes
 * `limitBytes`. An empty body yields one empty chunk, so a method always gets a message.
 */
export async function* readRawBody(request: IncomingMessage, limitBytes: number): AsyncGenerator<Buffer> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  let total = 0;
  try {
    for await (const chunk of bodyChunks(request)) {
      total += chunk.length;
      if (total > limitBytes) throw tooLarge(limitBytes);
      yield chunk;
    }
  } catch (error) {
    throw bodyReadError(error);
  }
  if (total === 0) yield Buffer.alloc(0);
}

/**
 * Sends a raw answer: the first message decides the content type and status (headers go out
 * with it, as a stream's must), then each message's bytes are written as the socket takes
 * them. An error before the first message propagates (the caller answers it as JSON); one
 * after the headers destroys the response, so the client sees a truncated body, never a
 * complete-looking one.
 */
export async function sendHttpBody(
  request: IncomingMessage,
  response: ServerResponse,
  ctx: CallContext,
  messages: AsyncIterable<unknown>,
  bodyOf: HttpBodyOf,
): Promise<void> {
  const iterator = messages[Symbol.asyncIterator]();
  const first = await iterator.next();
  const firstBody = first.done === true ? undefined : bodyOf(first.value);
  const headers: OutgoingHttpHeaders = {
    'content-type': firstBody?.contentType || 'application/octet-stream',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-request-id': ctx.requestId,
  };
  for (const [key, value] of ctx.responseHeaders) {
    headers[RAW_RESPONSE_HEADERS.has(key) ? key : `grpc-metadata-${key}`] = value;
  }
  response.writeHead(ctx.responseHeaders.has('content-range') ? 206 : 200, headers);
  if (request.method === 'HEAD' || first.done === true) {
    response.end();
    await iterator.return?.();
    return;
  }
  const { signal } = ctx;
  try {
    await write(response, firstBody?.data, signal);
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      if (signal.aborted) break;
      await write(response, bodyOf(next.value)?.data, signal);
    }
  } catch (error) {
    response.destroy(AppError.from(error));
    return;
  } finally {
    await iterator.return?.();
  }
  if (signal.aborted) response.destroy();
  else response.end();
}

async function write(
  response: ServerResponse,
  data: Uint8Array | undefined,
  signal: AbortSignal,
): Promise<void> {
  if (data === undefined || data.length === 0) return;
  if (!response.write(data)) await once(response, 'drain', { signal }).catch(() => undefined);
}

function tooLarge(limitBytes: number): AppError {
  return new AppError(
    Code.RESOURCE_EXHAUSTED,
    BodyReason.BODY_TOO_LARGE,
    `the request body is larger than ${limitBytes} bytes`,
    { metadata: { limit: String(limitBytes) } },
  );
}
