import { HardwareErrorKind, isHardwareError, toHardwareError } from '../../hardware/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import { DeviceReason } from './reasons.ts';

/** The status code and reason each hardware error kind becomes; one table for the whole service. */
const KIND_TO_STATUS: Record<HardwareErrorKind, readonly [Code, DeviceReason]> = {
  TIMEOUT: [Code.DEADLINE_EXCEEDED, DeviceReason.TIMEOUT],
  QUEUE_FULL: [Code.RESOURCE_EXHAUSTED, DeviceReason.QUEUE_FULL],
  // Absent hardware is a state of the system an operator fixes (plug it in), not a transient fault.
  DEVICE_ABSENT: [Code.FAILED_PRECONDITION, DeviceReason.DEVICE_ABSENT],
  DEVICE_DOWN: [Code.UNAVAILABLE, DeviceReason.DEVICE_DOWN],
  DEVICE_BUSY: [Code.UNAVAILABLE, DeviceReason.DEVICE_BUSY],
  DRIVER_MISSING: [Code.UNAVAILABLE, DeviceReason.ADAPTER_UNAVAILABLE],
  // The OS refused hcs, not the caller: the caller's permission is PERMISSION_DENIED's meaning.
  PERMISSION_DENIED: [Code.FAILED_PRECONDITION, DeviceReason.ADAPTER_UNAVAILABLE],
  NOT_ALLOWED: [Code.FAILED_PRECONDITION, DeviceReason.ADAPTER_UNAVAILABLE],
  IO_ERROR: [Code.UNAVAILABLE, DeviceReason.IO_ERROR],
  CANCELLED: [Code.CANCELLED, DeviceReason.CANCELLED_BY_CALLER],
  INVALID_REQUEST: [Code.INVALID_ARGUMENT, DeviceReason.NOT_SUPPORTED],
  NOT_SUPPORTED: [Code.FAILED_PRECONDITION, DeviceReason.NOT_SUPPORTED],
  OUT_OF_RANGE: [Code.OUT_OF_RANGE, DeviceReason.INVALID_REPLY],
  INVALID_VALUE: [Code.UNKNOWN, DeviceReason.INVALID_REPLY],
  UNAVAILABLE: [Code.UNAVAILABLE, DeviceReason.HARDWARE_UNAVAILABLE],
};

/**
 * Translates anything the hardware layer threw into an `AppError` (the one translator for
 * adapters, as `fromOrmError` is for the database); an `AppError` passes through. The
 * hardware message names the adapter and device, never a secret, so it is shown as is.
 */
export function fromAdapterError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const hardware = isHardwareError(error) ? error : toHardwareError(error);
  const [code, reason] = KIND_TO_STATUS[hardware.kind] ?? KIND_TO_STATUS[HardwareErrorKind.IO_ERROR];
  return new AppError(code, reason, hardware.message, { cause: hardware });
}
