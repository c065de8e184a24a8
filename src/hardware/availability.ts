/**
 * Whether an adapter, or one device of it, can be used now, and if not, why.
 */

/** Why an adapter or a device cannot be used; a stable string shown to operators. */
export const UnavailableReason = {
  /** The native library (node-hid, usb, serialport bindings) or the OS part under it did not load. */
  DRIVER_MISSING: 'DRIVER_MISSING',
  /** The OS refused access (udev rules, groups, file modes). */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /** The vendor:product id is not on the adapter's allow-list. */
  NOT_ALLOWED: 'NOT_ALLOWED',
  /** This platform cannot do it (no hot-plug support, no such backend). */
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  /** `initialize()` has not run yet, or `stop()` has. */
  NOT_INITIALIZED: 'NOT_INITIALIZED',
} as const;
export type UnavailableReason = (typeof UnavailableReason)[keyof typeof UnavailableReason];

/** `{ ok: true }`, or the reason and a one-line message an operator can act on. */
export type Availability = { ok: true } | { ok: false; reason: UnavailableReason; message: string };

/** The available answer, shared. */
export const AVAILABLE: Availability = Object.freeze({ ok: true });

/** Builds an unavailable answer. */
export function unavailable(reason: UnavailableReason, message: string): Availability {
  return { ok: false, reason, message };
}
