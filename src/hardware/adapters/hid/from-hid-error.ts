/**
 * Translates node-hid's errors (plain Errors whose message carries hidapi's text) into
 * HardwareErrors. node-hid gives no codes, so the message is read once, here, and nowhere else.
 */
import { HardwareError, HardwareErrorKind } from '../../index.ts';

/**
 * `present` says whether the device is still listed: hidapi reports an unplugged device as a
 * plain read/write failure, so presence decides DEVICE_ABSENT versus IO_ERROR.
 */
export function fromHidError(
  error: unknown,
  deviceId: string,
  present: boolean,
  what: string,
): HardwareError {
  if (error instanceof HardwareError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const facts = { adapter: 'hid', device: deviceId, cause: error };
  if (/permission denied|access denied|EACCES/i.test(text)) {
    return new HardwareError(
      HardwareErrorKind.PERMISSION_DENIED,
      `HID device ${deviceId}: ${what} refused: permission denied`,
      facts,
    );
  }
  if (/busy|exclusive/i.test(text)) {
    return new HardwareError(
      HardwareErrorKind.DEVICE_BUSY,
      `HID device ${deviceId} is in use elsewhere`,
      facts,
    );
  }
  if (!present) {
    return new HardwareError(
      HardwareErrorKind.DEVICE_ABSENT,
      `HID device ${deviceId} was unplugged during ${what}`,
      facts,
    );
  }
  return new HardwareError(
    HardwareErrorKind.IO_ERROR,
    `HID ${what} failed on ${deviceId}: ${text.slice(0, 200)}`,
    facts,
  );
}
