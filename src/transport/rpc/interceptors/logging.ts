import { performance } from 'node:perf_hooks';
import { AppError, Code, codeToName } from '../../../platform/errors/index.ts';
import type { Logger } from '../../../platform/log/index.ts';
import type { CallContext } from '../context.ts';
import { type Interceptor, isAsyncIterable, observeStream } from '../interceptor.ts';

/**
 * Logs each call when it ends: `debug` for success (a busy box would drown in per-call lines
 * at `info`), `warn` for a client's mistake, `error` with the cause's stack for INTERNAL and
 * other server faults. Streams are logged when the stream ends, not when it starts.
 */
export function loggingInterceptor(logger: Logger): Interceptor {
  return (next) =>
    // Not an async function, for the reason the error interceptor gives.
    function logCall(input, ctx) {
      const started = performance.now();
      let pending: Promise<unknown>;
      try {
        pending = next(input, ctx);
      } catch (error) {
        pending = Promise.reject(error);
      }
      return pending.then(
        (output) => {
          if (!isAsyncIterable(output)) {
            logEnd(logger, ctx, started, undefined);
            return output;
          }
          return observeStream(output, { onDone: (error) => logEnd(logger, ctx, started, error) });
        },
        (error: unknown) => {
          logEnd(logger, ctx, started, error);
          throw error;
        },
      );
    };
}

const SERVER_FAULTS = new Set<number>([Code.INTERNAL, Code.UNKNOWN, Code.DATA_LOSS, Code.UNAVAILABLE]);

// Server faults already logged with their cause, so a transport does not log them twice.
const loggedFaults = new WeakSet<AppError>();

/**
 * Logs a server fault (INTERNAL, UNKNOWN, DATA_LOSS, UNAVAILABLE) with its cause and `fields`
 * (the request id at least), unless the chain's logging already did: a fault raised before the
 * chain ran (reading a body) or after it finished (encoding the answer) is logged here. Each
 * transport calls it on every error it sends, so no 500 goes out without a log line the client
 * can find by its request id.
 */
export function logFaultOnce(
  error: AppError,
  logger: Logger,
  fields: { requestId: string } & Record<string, string>,
  message = `request failed: ${error.message}`,
): void {
  if (!SERVER_FAULTS.has(error.code) || loggedFaults.has(error)) return;
  loggedFaults.add(error);
  logger.error(
    { ...fields, code: codeToName(error.code), reason: error.reason, err: error.cause ?? error },
    message,
  );
}

function logEnd(logger: Logger, ctx: CallContext, started: number, error: unknown): void {
  if (error === undefined) {
    if (logger.isLevelEnabled('debug')) {
      ctx.log.debug({ code: 'OK', ms: round(performance.now() - started) }, 'call finished');
    }
    return;
  }
  const appError = AppError.from(error);
  const fields = {
    code: codeToName(appError.code),
    reason: appError.reason,
    ms: round(performance.now() - started),
    principal: ctx.principal.subject,
  };
  if (SERVER_FAULTS.has(appError.code)) {
    loggedFaults.add(appError);
    ctx.log.error({ ...fields, err: appError.cause ?? appError }, `call failed: ${appError.message}`);
  } else if (logger.isLevelEnabled('warn')) {
    ctx.log.warn(fields, `call failed: ${appError.message}`);
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
