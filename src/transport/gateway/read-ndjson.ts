import type { IncomingMessage } from 'node:http';
import { AppError, Code } from '../../platform/errors/index.ts';
import { BodyReason } from './read-body.ts';

/**
 * Reads a newline-delimited JSON body one value at a time as it arrives, so a long upload
 * (telemetry ingestion) is never held in memory whole; a single line over `lineLimitBytes` is
 * refused. Blank lines are skipped; a line that is not JSON is INVALID_ARGUMENT naming its number.
 */
export async function* readNdjson(request: IncomingMessage, lineLimitBytes: number): AsyncGenerator<unknown> {
  let pending = '';
  let lineNumber = 0;
  const parse = (line: string) => {
    lineNumber += 1;
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      throw new AppError(
        Code.INVALID_ARGUMENT,
        BodyReason.MALFORMED_JSON,
        `line ${lineNumber} of the request body is not valid JSON: ${(error as Error).message}`,
      );
    }
  };
  request.setEncoding('utf8');
  for await (const chunk of request as AsyncIterable<string>) {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.trim() !== '') yield parse(line);
      else lineNumber += 1;
      newline = pending.indexOf('\n');
    }
    if (Buffer.byteLength(pending) > lineLimitBytes) {
      throw new AppError(
        Code.RESOURCE_EXHAUSTED,
        BodyReason.BODY_TOO_LARGE,
        `a line of the request body is larger than ${lineLimitBytes} bytes`,
      );
    }
  }
  if (pending.trim() !== '') yield parse(pending);
}
