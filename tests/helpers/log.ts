import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/platform/log/index.ts';

/** A real hcs logger whose JSON lines are parsed into `lines` instead of printed. */
export function captureLogs(level = 'debug'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}
