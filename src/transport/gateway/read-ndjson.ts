import type { IncomingMessage } from 'node:http';
import { AppError, Code } from '../../platform/errors/index.ts';
import { isJsonTooDeep } from './json-depth.ts';
import { BodyReason, bodyChunks, bodyReadError, tooDeep } from './read-body.ts';
import { assertUtf8 } from './utf8.ts';

const NEWLINE = 0x0a;

/**
 * Reads a newline-delimited JSON body one value at a time as it arrives, so a long upload
 * (telemetry ingestion) is never held in memory whole; a single line over `lineLimitBytes` is
 * refused. Blank lines are skipped; a line that is not JSON, not UTF-8 or nested too deep is
 * INVALID_ARGUMENT naming its number. Lines are split as bytes, so a character split between
 * two chunks is decoded whole.
 */
export async function* readNdjson(request: IncomingMessage, lineLimitBytes: number): AsyncGenerator<unknown> {
  let pending: Buffer = Buffer.alloc(0);
  let lineNumber = 0;
  const parse = (bytes: Buffer) => {
    lineNumber += 1;
    const what = `line ${lineNumber} of the request body`;
    assertUtf8(bytes, what);
    const line = bytes.toString('utf8');
    if (line.trim() === '') return undefined;
    if (isJsonTooDeep(line)) throw tooDeep(what);
    try {
      return { value: JSON.parse(line) as unknown };
    } catch (error) {
      throw new AppError(
        Code.INVALID_ARGUMENT,
        BodyReason.MALFORMED_JSON,
        `${what} is not valid JSON: ${(error as Error).message}`,
      );
    }
  };
  for await (const chunk of chunksOf(request)) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let start = 0;
    let newline = pending.indexOf(NEWLINE, start);
    while (newline !== -1) {
      const parsed = parse(pending.subarray(start, newline));
      if (parsed !== undefined) yield parsed.value;
      start = newline + 1;
      newline = pending.indexOf(NEWLINE, start);
    }
    pending = pending.subarray(start);
    if (pending.length > lineLimitBytes) {
      throw new AppError(
        Code.RESOURCE_EXHAUSTED,
        BodyReason.BODY_TOO_LARGE,
        `a line of the request body is larger than ${lineLimitBytes} bytes`,
      );
    }
  }
  const last = parse(pending);
  if (last !== undefined) yield last.value;
}

async function* chunksOf(request: IncomingMessage): AsyncGenerator<Buffer> {
  try {
    yield* bodyChunks(request);
  } catch (error) {
    throw bodyReadError(error);
  }
}
