import { cacheValueNotIntegerError } from '../cache/index.ts';
import { AppError, Code, isAppError } from '../errors/index.ts';

/** Reasons raised for Redis failures. */
export const RedisReason = {
  /** Redis could not be reached or did not answer in time, or refused to serve (loading, read-only, out of memory). */
  REDIS_UNAVAILABLE: 'REDIS_UNAVAILABLE',
  /** Redis rejected a command hcs sent: a bug in hcs, such as one key used as two types. */
  REDIS_ERROR: 'REDIS_ERROR',
} as const;

// Replies meaning "this server cannot serve now", not "your command is wrong".
const SERVER_UNAVAILABLE =
  /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|OOM|NOAUTH|WRONGPASS|NOPERM)\b/;
const NEVER_SENT = /^Stream isn't writeable/;
// What ioredis rejects a command with when the connection is missing, dropped or silent.
const CONNECTION_LOST = /^(Stream isn't writeable|Command timed out|Connection is closed|Command aborted)/;
const CONNECTION_ERROR_NAMES = new Set(['MaxRetriesPerRequestError', 'AbortError', 'ClusterAllFailedError']);
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Translates anything an ioredis call threw into an AppError, once, at the Redis edge:
 *
 * - an incremented value that is not an integer → FAILED_PRECONDITION `CACHE_VALUE_NOT_INTEGER`
 *   (the same error the memory cache raises);
 * - no connection, no reply within the command timeout, or a server that cannot serve now
 *   (LOADING, READONLY, OOM, auth) → UNAVAILABLE `REDIS_UNAVAILABLE`, retry after 1 s;
 * - anything else (another reply error, an unexpected exception) → INTERNAL `REDIS_ERROR`: hcs
 *   sent something wrong.
 *
 * Messages are generic; the original error stays as `cause` for the log.
 */
export function fromRedisError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isReplyError(error) && /not an integer/.test(message)) return cacheValueNotIntegerError(error);
  if (isUnavailableCause(error)) {
    return new AppError(Code.UNAVAILABLE, RedisReason.REDIS_UNAVAILABLE, 'redis is unavailable', {
      cause: error,
      retryDelayMs: 1000,
    });
  }
  return new AppError(Code.INTERNAL, RedisReason.REDIS_ERROR, 'redis rejected a command', { cause: error });
}

/**
 * Whether an error, raw or translated, means Redis is unavailable, as opposed to a mistake in the
 * command or in the caller's data (which must reach the caller, not trigger a fallback).
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (isAppError(error)) return error.reason === RedisReason.REDIS_UNAVAILABLE;
  return isUnavailableCause(error);
}

function isUnavailableCause(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (isReplyError(error)) return SERVER_UNAVAILABLE.test(error.message);
  // ioredis attaches the socket's errno code to connection errors.
  const code = (error as { code?: unknown }).code;
  return (
    CONNECTION_LOST.test(error.message) ||
    CONNECTION_ERROR_NAMES.has(error.name) ||
    (typeof code === 'string' && SOCKET_CODES.has(code))
  );
}

/**
 * Whether a failed command certainly had no effect: it never left this process, or the server
 * refused it. A timeout or a dropped connection leaves it unknown (it may have been applied).
 */
export function wasNotApplied(error: unknown): boolean {
  const cause = isAppError(error) ? error.cause : error;
  if (isReplyError(cause)) return true;
  return cause instanceof Error && NEVER_SENT.test(cause.message);
}

/** Server replies are ReplyErrors (RESP2) or SimpleErrors/BlobErrors (RESP3) from redis-errors. */
function isReplyError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'ReplyError' ||
      ['ReplyError', 'SimpleError', 'BlobError'].includes(error.constructor.name))
  );
}
