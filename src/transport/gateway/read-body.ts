import type { IncomingMessage } from 'node:http';
import { AppError, Code } from '../../platform/errors/index.ts';

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
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Parses a JSON body; an empty body is `{}`. Malformed JSON is INVALID_ARGUMENT with the parser's position. */
export function parseJsonBody(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    const { line, column } = positionOf(text, syntaxErrorOffset(text));
    throw new AppError(
      Code.INVALID_ARGUMENT,
      BodyReason.MALFORMED_JSON,
      `the request body is not valid JSON at line ${line}, column ${column}: ${(error as Error).message}`,
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
