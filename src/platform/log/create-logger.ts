import { type DestinationStream, type Logger, pino } from 'pino';
import { serializeError } from './error-serializer.ts';
import { REDACT_PATHS, REDACTED } from './redaction.ts';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level written. Default `info`. */
  level?: string;
  /** Where lines go. Default standard output (one JSON object per line). */
  destination?: DestinationStream;
  /** Fields on every line. Default `{ service: "hcs", pid }`. */
  base?: Record<string, unknown>;
}

/** The logger type used throughout hcs. */
export type { Logger } from 'pino';

/**
 * Creates the process logger: one JSON line per event, ISO timestamps, secrets redacted
 * (authorization headers, passwords, tokens, API keys; see `redaction.ts`), errors bounded in
 * size (`serializeError`, for `err` and `error` fields).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { service: 'hcs', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError, error: serializeError },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
