import { Code, codeToName } from './code.ts';

/** One field a client got wrong: the field path in the request and what is wrong with it. */
export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * The machine-readable details an error may carry. They travel as google.rpc.ErrorInfo
 * (`reason`, `metadata`), google.rpc.BadRequest (`fieldViolations`) and google.rpc.RetryInfo
 * (`retryDelayMs`) in `grpc-status-details-bin`, and as the `details` of the HTTP error body.
 */
export interface ErrorDetails {
  /** Extra key/value facts about the error, e.g. `{ method: "/hcs.v1.AuthService/GetUser" }`. */
  metadata?: Record<string, string>;
  /** The request fields that were invalid. */
  fieldViolations?: FieldViolation[];
  /** How long the client should wait before retrying, in milliseconds. */
  retryDelayMs?: number;
}

/** Options of {@link AppError}. */
export interface AppErrorOptions extends ErrorDetails {
  /** The underlying error, kept for the server log; it never reaches a client. */
  cause?: unknown;
}

/**
 * The one error type of hcs. Services throw it; each transport maps it exactly once.
 *
 * `code` is from the closed gRPC set, `reason` a stable SCREAMING_SNAKE string a client may
 * branch on (`DEVICE_OFFLINE`), `message` a sentence for a developer. The message reaches the
 * client as is, so it must never contain secrets or internals; `cause` stays on the server.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: Code;
  readonly reason: string;
  readonly details: ErrorDetails;

  constructor(code: Code, reason: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = reason;
    const { cause: _cause, ...details } = options;
    this.details = details;
  }

  /**
   * Normalises anything thrown into an AppError. An AppError is returned as is; anything else
   * is a bug or an untranslated infrastructure failure, so it becomes INTERNAL with a generic
   * message (the original is kept as `cause` for the log, never shown to the client).
   */
  static from(error: unknown): AppError {
    if (error instanceof AppError) return error;
    return new AppError(Code.INTERNAL, 'INTERNAL', 'internal error', { cause: error });
  }

  /** `NOT_FOUND: device "x" does not exist` — the form used in logs. */
  override toString(): string {
    return `${codeToName(this.code)}: ${this.message}`;
  }
}

/** Whether a value is an AppError (also across module copies, by shape). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
