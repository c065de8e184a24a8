import {
  ConnectionException,
  DeadlockException,
  DriverException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
  NotFoundError,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { AppError, Code, isAppError } from '../errors/index.ts';
import { DbReason } from './reasons.ts';

// Socket-level failures `pg` reports as plain errors before MikroORM can classify them.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
// SQLite: the file is locked by another writer longer than busy_timeout, or cannot be opened.
const SQLITE_UNAVAILABLE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN']);
// Raw driver errors (from `execute()` with SQL, which MikroORM does not convert) by their code:
// PostgreSQL SQLSTATE, better-sqlite3 extended result code.
const UNIQUE_CODES = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const FOREIGN_KEY_CODES = new Set(['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']);
// PostgreSQL SQLSTATE class 22 (data exception: NUL in text, value too long, numeric or date
// out of range, text that does not parse as the column's type); SQLite's string or blob too big.
const UNSTORABLE_CODE = /^22[0-9A-Z]{3}$|^SQLITE_TOOBIG$/;
const PG_UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|the database system is/;

/**
 * Translates anything a MikroORM call threw into an AppError, once, at the database edge:
 *
 * - `findOneOrFail` found nothing → NOT_FOUND `NOT_FOUND`;
 * - unique constraint violated → ALREADY_EXISTS `ALREADY_EXISTS`;
 * - foreign key constraint violated → FAILED_PRECONDITION `REFERENCED_ROW_MISSING`;
 * - a value the column cannot hold (PostgreSQL data exception, SQLite too big) → INVALID_ARGUMENT
 *   `UNSTORABLE_VALUE`: the value came from a client (a service validates what it can first);
 * - no connection, connection lost, busy or deadlocked → UNAVAILABLE `DATABASE_UNAVAILABLE`, retry after 1 s;
 * - anything else → INTERNAL `DATABASE_ERROR`.
 *
 * Messages are generic (a constraint name or SQL would leak the schema); the original error is
 * kept as `cause` for the log. A service that wants a precise message (`user "bob" already
 * exists`) catches the ALREADY_EXISTS and throws its own AppError with its own reason.
 */
export function fromOrmError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof NotFoundError) {
    return new AppError(Code.NOT_FOUND, DbReason.NOT_FOUND, 'the requested resource does not exist', {
      cause: error,
    });
  }
  if (error instanceof UniqueConstraintViolationException || UNIQUE_CODES.has(codeOf(error))) {
    return new AppError(Code.ALREADY_EXISTS, DbReason.ALREADY_EXISTS, 'the resource already exists', {
      cause: error,
    });
  }
  if (error instanceof ForeignKeyConstraintViolationException || FOREIGN_KEY_CODES.has(codeOf(error))) {
    return new AppError(
      Code.FAILED_PRECONDITION,
      DbReason.REFERENCED_ROW_MISSING,
      'a resource this change refers to does not exist, or is still referred to',
      { cause: error },
    );
  }
  if (UNSTORABLE_CODE.test(codeOf(error))) {
    return new AppError(
      Code.INVALID_ARGUMENT,
      DbReason.UNSTORABLE_VALUE,
      'a value in the request cannot be stored (a NUL character, or too long or out of range)',
      { cause: error },
    );
  }
  if (isUnavailable(error)) {
    return new AppError(Code.UNAVAILABLE, DbReason.DATABASE_UNAVAILABLE, 'the database is unavailable', {
      cause: error,
      retryDelayMs: 1000,
    });
  }
  return new AppError(Code.INTERNAL, DbReason.DATABASE_ERROR, 'internal error', { cause: error });
}

function codeOf(error: unknown): string {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

function isUnavailable(error: unknown): boolean {
  if (
    error instanceof ConnectionException ||
    error instanceof DeadlockException ||
    error instanceof LockWaitTimeoutException
  ) {
    return true;
  }
  if (!(error instanceof Error)) return false;
  const code = codeOf(error);
  if (SOCKET_CODES.has(code) || SQLITE_UNAVAILABLE.has(code)) return true;
  // PostgreSQL SQLSTATE class 08 (connection exception) and 57P0x (server shutting down / starting).
  if (/^(08|57P0)/.test(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return PG_UNAVAILABLE_MESSAGE.test(error.message);
}

/**
 * {@link fromOrmError} for errors that come from the database, `undefined` for any other: the
 * translator a database registers with `addErrorTranslator` when it is opened, so a service
 * never catches database errors itself (it catches only to turn one into its own reason).
 */
export function translateOrmError(error: unknown): AppError | undefined {
  return isDatabaseError(error) ? fromOrmError(error) : undefined;
}

// MikroORM converts what its queries raise into DriverException subclasses; raw driver errors
// (SQL run through `execute()`) are better-sqlite3's SqliteError and pg's DatabaseError.
function isDatabaseError(error: unknown): boolean {
  if (error instanceof DriverException || error instanceof NotFoundError) return true;
  if (!(error instanceof Error)) return false;
  if (error.name === 'SqliteError') return true;
  const { severity, code } = error as { severity?: unknown; code?: unknown };
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
