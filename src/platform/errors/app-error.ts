import { TEXT_BOUNDS, truncateText } from './bounded-text.ts';
import { Code, codeToName } from './code.ts';
import { translateError } from './error-translators.ts';

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
 *
 * What an error repeats is bounded here, once for every edge and log line, so no error grows
 * with the request: the message to {@link ERROR_BOUNDS}`.messageChars` characters, at most
 * `maxViolations` field violations and `maxMetadata` metadata entries, each text cut to
 * `TEXT_BOUNDS.maxChars`. An error about many values names the first few (`listSome`).
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: Code;
  readonly reason: string;
  readonly details: ErrorDetails;

  constructor(code: Code, reason: string, message: string, options: AppErrorOptions = {}) {
    super(
      truncateText(message, ERROR_BOUNDS.messageChars),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.reason = reason;
    this.details = boundedDetails(options);
  }

  /**
   * Normalises anything thrown into an AppError. An AppError is returned as is; a dependency's
   * error is translated by its registered translator (see `addErrorTranslator`); anything else
   * is a bug, so it becomes INTERNAL with a generic message (the original is kept as `cause`
   * for the log, never shown to the client).
   */
  static from(error: unknown): AppError {
    if (error instanceof AppError) return error;
    const translated = translateError(error);
    if (translated !== undefined) return translated;
    return new AppError(Code.INTERNAL, 'INTERNAL', 'internal error', { cause: error });
  }

  /** `NOT_FOUND: device "x" does not exist` — the form used in logs. */
  override toString(): string {
    return `${codeToName(this.code)}: ${this.message}`;
  }
}

/** How much an {@link AppError} carries at most. */
export const ERROR_BOUNDS = {
  messageChars: 1024,
  maxViolations: 20,
  maxMetadata: 20,
} as const;

function boundedDetails(options: AppErrorOptions): ErrorDetails {
  const { fieldViolations, metadata, retryDelayMs } = options;
  const details: ErrorDetails = {};
  if (metadata !== undefined) {
    const entries = Object.entries(metadata);
    details.metadata =
      entries.length <= ERROR_BOUNDS.maxMetadata &&
      entries.every(([, value]) => value.length <= TEXT_BOUNDS.maxChars)
        ? metadata
        : Object.fromEntries(
            entries
              .slice(0, ERROR_BOUNDS.maxMetadata)
              .map(([key, value]) => [truncateText(key, 64), truncateText(value)]),
          );
  }
  if (fieldViolations !== undefined) {
    details.fieldViolations = fieldViolations.slice(0, ERROR_BOUNDS.maxViolations).map((violation) => ({
      field: truncateText(violation.field),
      description: truncateText(violation.description),
    }));
  }
  if (retryDelayMs !== undefined) details.retryDelayMs = retryDelayMs;
  return details;
}

/** Whether a value is an AppError (also across module copies, by shape). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
