/**
 * The server-side allow-list that bounds raw USB/HID access: a device whose vendor:product id
 * is not listed is discovered (so an operator can see it) but never opened.
 */
import { HardwareError, HardwareErrorKind } from './hardware-error.ts';

/** One admitted vendor:product pair. */
export interface AllowListEntry {
  readonly vendorId: number;
  readonly productId: number;
  /**
   * May hcs detach a kernel driver bound to the device (USB only) to claim it? Default false:
   * hcs never takes a device away from the kernel unless told to here.
   */
  readonly detachKernelDriver?: boolean;
}

/** The entry admitting `vendorId:productId`, or undefined. */
export function findAllowListEntry(
  allowList: readonly AllowListEntry[],
  vendorId: number,
  productId: number,
): AllowListEntry | undefined {
  return allowList.find((entry) => entry.vendorId === vendorId && entry.productId === productId);
}

/** `vvvv:pppp` in lower-case hex, as lsusb prints it. */
export function formatUsbId(vendorId: number, productId: number): string {
  const hex = (value: number) => value.toString(16).padStart(4, '0');
  return `${hex(vendorId)}:${hex(productId)}`;
}

/**
 * Checks and copies an allow-list given as options: ids must be integers in 0..0xffff.
 * Throws INVALID_REQUEST naming the bad entry.
 */
export function validateAllowList(entries: readonly AllowListEntry[] | undefined): AllowListEntry[] {
  return (entries ?? []).map((entry, index) => {
    for (const field of ['vendorId', 'productId'] as const) {
      const value = entry[field];
      if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
        throw new HardwareError(
          HardwareErrorKind.INVALID_REQUEST,
          `allowList[${index}].${field} must be an integer from 0 to 0xffff, got ${String(value)}`,
        );
      }
    }
    return Object.freeze({ ...entry, detachKernelDriver: entry.detachKernelDriver === true });
  });
}
