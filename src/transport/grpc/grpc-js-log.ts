import { setLogger } from '@grpc/grpc-js';
import { truncateText } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';

// grpc-js quotes request metadata in some lines ("Failed to add metadata entry <key>: <value>");
// after a credential's name, the rest of the line is dropped.
const SECRET = /\b(authorization|x-api-key|cookie|set-cookie|proxy-authorization)\b.*$/is;
const MAX_LINE = 512;

/** A grpc-js log line as hcs logs it: credentials dropped, at most 512 characters. */
export function grpcJsLogLine(parts: readonly unknown[]): string {
  const text = parts.map((part) => (typeof part === 'string' ? part : String(part))).join(' ');
  return truncateText(text.replace(SECRET, '$1 [redacted]'), MAX_LINE);
}

/**
 * Sends grpc-js's own log lines (by default raw `E …` lines on standard error, some quoting
 * client-supplied metadata) to the hcs logger as JSON lines of `component: "grpc-js"`, redacted
 * and bounded: its errors at `warn` (they are mostly a client's malformed metadata), the rest at
 * their level. Process-wide, as grpc-js has one logger; `GRPC_VERBOSITY` still sets how much
 * grpc-js writes.
 */
export function routeGrpcJsLogs(logger: Logger): void {
  const log = logger.child({ component: 'grpc-js' });
  setLogger({
    error: (...parts: unknown[]) => log.warn(grpcJsLogLine(parts)),
    info: (...parts: unknown[]) => log.info(grpcJsLogLine(parts)),
    debug: (...parts: unknown[]) => log.debug(grpcJsLogLine(parts)),
  });
}
