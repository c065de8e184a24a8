/**
 * The one error type of the hardware layer. Adapters and the runtime throw it with a stable
 * {@link HardwareErrorKind}; the device service translates it to an `AppError` in one place
 * (`fromAdapterError`), so no code above `hardware/` branches on native error messages.
 */

/**
 * Stable error kinds. The comment on each says what happened and what a caller may do.
 */
export const HardwareErrorKind = {
  /** The operation did not finish within its timeout; the device may or may not have acted. */
  TIMEOUT: 'TIMEOUT',
  /** The device's queue is at its bounded depth; refused at once, nothing was sent. Retry later. */
  QUEUE_FULL: 'QUEUE_FULL',
  /** The device is not (or no longer) present: unplugged, never attached, or gone mid-operation. */
  DEVICE_ABSENT: 'DEVICE_ABSENT',
  /** The runtime marked the device DOWN after repeated failures; refused until a probe brings it back UP. */
  DEVICE_DOWN: 'DEVICE_DOWN',
  /** Another process (or a kernel driver) holds the device. */
  DEVICE_BUSY: 'DEVICE_BUSY',
  /** The adapter's native library (or the OS facility under it) is missing or failed to load. */
  DRIVER_MISSING: 'DRIVER_MISSING',
  /** The OS refused access (udev rule, group membership, file mode). */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /** The device's vendor:product id is not on the adapter's allow-list; hcs refuses raw access to it. */
  NOT_ALLOWED: 'NOT_ALLOWED',
  /** The device or the link reported an I/O failure (stall, framing, short transfer, native error). */
  IO_ERROR: 'IO_ERROR',
  /** The caller gave up (its AbortSignal fired) or the device was closed while the operation waited. */
  CANCELLED: 'CANCELLED',
  /** The request itself is malformed for this adapter (bad target, length, payload). Not retried. */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** The adapter or device cannot do this (no feature reports, no such endpoint). */
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  /** A transformed reading fell outside its declared range. */
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  /** A reading is not a finite number (NaN, ±Infinity) or could not be decoded. */
  INVALID_VALUE: 'INVALID_VALUE',
  /** The adapter or runtime is stopped or not started; nothing was attempted. */
  UNAVAILABLE: 'UNAVAILABLE',
} as const;
export type HardwareErrorKind = (typeof HardwareErrorKind)[keyof typeof HardwareErrorKind];

/** Kinds after which the same read may succeed if tried again (the runtime retries reads only). */
export const RETRYABLE_KINDS: ReadonlySet<HardwareErrorKind> = new Set([
  HardwareErrorKind.TIMEOUT,
  HardwareErrorKind.IO_ERROR,
]);

/** Kinds that count against a device's health (a run of them marks it DOWN). */
export const HEALTH_KINDS: ReadonlySet<HardwareErrorKind> = new Set([
  HardwareErrorKind.TIMEOUT,
  HardwareErrorKind.IO_ERROR,
  HardwareErrorKind.DEVICE_ABSENT,
]);

/** Facts about where an error happened; all optional, all safe to show to an operator. */
export interface HardwareErrorFacts {
  adapter?: string;
  device?: string;
  cause?: unknown;
}

/** An error of the hardware layer: a stable `kind`, a message naming the device, and its cause. */
export class HardwareError extends Error {
  override readonly name = 'HardwareError';
  readonly kind: HardwareErrorKind;
  readonly adapter: string | undefined;
  readonly device: string | undefined;

  constructor(kind: HardwareErrorKind, message: string, facts: HardwareErrorFacts = {}) {
    super(message, facts.cause === undefined ? undefined : { cause: facts.cause });
    this.kind = kind;
    this.adapter = facts.adapter;
    this.device = facts.device;
  }
}

/** True when `value` is a {@link HardwareError}, optionally of one kind. */
export function isHardwareError(value: unknown, kind?: HardwareErrorKind): value is HardwareError {
  return value instanceof HardwareError && (kind === undefined || value.kind === kind);
}

/**
 * Normalises anything an adapter threw: a HardwareError passes through; anything else becomes
 * IO_ERROR with the original kept as `cause` (its message may name OS paths, so callers log it
 * rather than show it).
 */
export function toHardwareError(error: unknown, facts: HardwareErrorFacts = {}): HardwareError {
  if (error instanceof HardwareError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new HardwareError(HardwareErrorKind.IO_ERROR, `I/O failed: ${text}`, { ...facts, cause: error });
}
