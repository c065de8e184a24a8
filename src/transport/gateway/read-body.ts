import type { IncomingMessage } from 'node:http';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import { isJsonTooDeep, MAX_JSON_DEPTH } from './json-depth.ts';
import { assertUtf8 } from './utf8.ts';

/** Why a request body was refused before it reached a procedure; each maps to its own HTTP status. */
export const BodyReason = {
  /** Over the configured limit: HTTP 413. */
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  /** Not JSON (or NDJSON for client streaming): HTTP 415. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** Not parseable: HTTP 400. */
  MALFORMED_JSON: 'MALFORMED_JSON',
} as const;

/**
 * Reads a whole request body up to `limitBytes`, refusing early (by Content-Length) or as soon
 * as the limit is crossed, so an oversized upload never sits in memory whole.
 */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of bodyChunks(request)) {
      size += chunk.length;
      if (size > limitBytes) throw tooLarge(limitBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    throw bodyReadError(error);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The chunks of a request body as they arrive. A reader that stops early (a refusal part-way)
 * leaves the request as it is instead of destroying it, which would reset the connection
 * under the answer: the server drops the rest after answering (see `discardUnreadBody`).
 */
export function bodyChunks(request: IncomingMessage): AsyncIterable<Buffer> {
  return request.iterator({ destroyOnReturn: false });
}

/**
 * What a failure reading a request body is: the client closing the connection mid-body
 * (`aborted`, a premature close) is CANCELLED, not a server fault; anything else as it is.
 */
export function bodyReadError(error: unknown): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code !== 'ECONNRESET' && code !== 'ERR_STREAM_PREMATURE_CLOSE') return error;
  return new AppError(Code.CANCELLED, PlatformReason.CANCELLED, 'the client closed the connection mid-body', {
    cause: error,
  });
}

/**
 * Parses a JSON body; an empty body is `{}`. Malformed JSON is INVALID_ARGUMENT with the
 * parser's position; so are bytes that are not UTF-8 and nesting deeper than
 * {@link MAX_JSON_DEPTH} (see `isJsonTooDeep`).
 */
export function parseJsonBody(bytes: Buffer, what = 'the request body'): unknown {
  assertUtf8(bytes, what);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return {};
  if (isJsonTooDeep(text)) throw tooDeep(what);
  try {
    return JSON.parse(text);
  } catch (error) {
    const { line, column } = positionOf(text, syntaxErrorOffset(text));
    throw new AppError(
      Code.INVALID_ARGUMENT,
      BodyReason.MALFORMED_JSON,
      `${what} is not valid JSON at line ${line}, column ${column}: ${(error as Error).message}`,
      { metadata: { line: String(line), column: String(column) } },
    );
  }
}

// V8's messages do not say where the error is. The offending character is found by bisection:
// a prefix that stops before it fails only with "end of input", one that includes it fails
// otherwise. Error path only: about log2(n) parses.
function syntaxErrorOffset(text: string): number {
  const incomplete = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      return /end of (JSON )?input|Unterminated/i.test((error as Error).message);
    }
  };
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.floor((low + high + 1) / 2);
    if (incomplete(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Throws 415 unless the request says its body is JSON (a missing type on an empty body is fine). */
export function assertJsonContentType(
  request: IncomingMessage,
  accepted: readonly string[] = ['application/json'],
): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const hasBody =
    request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return;
  if (!accepted.includes(type)) {
    throw new AppError(
      Code.INVALID_ARGUMENT,
      BodyReason.UNSUPPORTED_MEDIA_TYPE,
      `unsupported content type "${type || '(none)'}": send ${accepted.join(' or ')}`,
    );
  }
}

/** INVALID_ARGUMENT `MALFORMED_JSON`: the JSON nests deeper than {@link MAX_JSON_DEPTH}. */
export function tooDeep(what: string): AppError {
  return new AppError(
    Code.INVALID_ARGUMENT,
    BodyReason.MALFORMED_JSON,
    `${what} nests arrays or objects more than ${MAX_JSON_DEPTH} deep`,
  );
}

function tooLarge(limitBytes: number): AppError {
  return new AppError(
    Code.RESOURCE_EXHAUSTED,
    BodyReason.BODY_TOO_LARGE,
    `the request body is larger than ${limitBytes} bytes`,
    {
      metadata: { limit: String(limitBytes) },
    },
  );
}
