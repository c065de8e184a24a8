/**
 * Translates libusb's errors (LibUSBException: message = libusb's error name) into
 * HardwareErrors, once, here.
 */
import { HardwareError, HardwareErrorKind } from '../../index.ts';

const KIND_BY_NAME: Record<string, HardwareErrorKind> = {
  LIBUSB_ERROR_ACCESS: HardwareErrorKind.PERMISSION_DENIED,
  LIBUSB_ERROR_NO_DEVICE: HardwareErrorKind.DEVICE_ABSENT,
  LIBUSB_TRANSFER_NO_DEVICE: HardwareErrorKind.DEVICE_ABSENT,
  LIBUSB_ERROR_NOT_FOUND: HardwareErrorKind.DEVICE_ABSENT,
  LIBUSB_ERROR_BUSY: HardwareErrorKind.DEVICE_BUSY,
  LIBUSB_ERROR_TIMEOUT: HardwareErrorKind.TIMEOUT,
  LIBUSB_TRANSFER_TIMED_OUT: HardwareErrorKind.TIMEOUT,
  LIBUSB_TRANSFER_CANCELLED: HardwareErrorKind.CANCELLED,
  LIBUSB_ERROR_NOT_SUPPORTED: HardwareErrorKind.NOT_SUPPORTED,
  LIBUSB_ERROR_INVALID_PARAM: HardwareErrorKind.INVALID_REQUEST,
};

/** Maps one libusb failure during `what` on `deviceId`; anything unrecognised is IO_ERROR. */
export function fromUsbError(error: unknown, deviceId: string, what: string): HardwareError {
  if (error instanceof HardwareError) return error;
  const name = error instanceof Error ? error.message : String(error);
  const kind = KIND_BY_NAME[name] ?? HardwareErrorKind.IO_ERROR;
  const detail: Partial<Record<HardwareErrorKind, string>> = {
    PERMISSION_DENIED: 'permission denied (check the udev rules for this device)',
    DEVICE_ABSENT: 'the device is gone',
    DEVICE_BUSY: 'the device is busy (held by another process or driver)',
  };
  return new HardwareError(kind, `USB ${what} on ${deviceId} failed: ${detail[kind] ?? name.slice(0, 120)}`, {
    adapter: 'usb',
    device: deviceId,
    cause: error,
  });
}
