/**
 * USB targets (`IoRequest.target`):
 *
 * - `bulk:<endpoint>` / `interrupt:<endpoint>`: a transfer on that endpoint address (`0x81`
 *   is IN 1, `0x01` OUT 1); a read needs an IN endpoint, a write an OUT one;
 * - `control:<bmRequestType>:<bRequest>:<wValue>:<wIndex>`: a control transfer; bit 7 of
 *   bmRequestType set is device-to-host (read), clear is host-to-device (write).
 *
 * Numbers are decimal or `0x` hex. A read's `length` defaults to 64 bytes, at most 1 MiB.
 */
import { HardwareError, HardwareErrorKind, type IoRequest } from '../../index.ts';

export const MAX_USB_TRANSFER_BYTES = 1 << 20;

export type UsbTarget =
  | { kind: 'bulk' | 'interrupt'; endpoint: number }
  | { kind: 'control'; bmRequestType: number; bRequest: number; wValue: number; wIndex: number };

const NUMBER = '(0x[0-9a-fA-F]{1,4}|\\d{1,5})';
const ENDPOINT = new RegExp(`^(bulk|interrupt):${NUMBER}$`);
const CONTROL = new RegExp(`^control:${NUMBER}:${NUMBER}:${NUMBER}:${NUMBER}$`);

function invalid(message: string): HardwareError {
  return new HardwareError(HardwareErrorKind.INVALID_REQUEST, message);
}

function numberIn(text: string, max: number, field: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw invalid(`USB ${field} must be 0–${max}, got ${text}`);
  return value;
}

/** Parses `request.target` for a read (`in`) or a write (`out`); INVALID_REQUEST when malformed or the wrong way. */
export function usbTarget(request: IoRequest, direction: 'in' | 'out'): UsbTarget {
  const target = request.target ?? '';
  const endpoint = ENDPOINT.exec(target);
  if (endpoint) {
    const address = numberIn(endpoint[2] as string, 0xff, 'endpoint address');
    if (((address & 0x80) !== 0) !== (direction === 'in')) {
      throw invalid(`USB endpoint 0x${address.toString(16)} is not an ${direction.toUpperCase()} endpoint`);
    }
    return { kind: endpoint[1] as 'bulk' | 'interrupt', endpoint: address };
  }
  const control = CONTROL.exec(target);
  if (control) {
    const bmRequestType = numberIn(control[1] as string, 0xff, 'bmRequestType');
    if (((bmRequestType & 0x80) !== 0) !== (direction === 'in')) {
      throw invalid(
        `USB control bmRequestType 0x${bmRequestType.toString(16)} does not match a ${direction === 'in' ? 'read' : 'write'}`,
      );
    }
    return {
      kind: 'control',
      bmRequestType,
      bRequest: numberIn(control[2] as string, 0xff, 'bRequest'),
      wValue: numberIn(control[3] as string, 0xffff, 'wValue'),
      wIndex: numberIn(control[4] as string, 0xffff, 'wIndex'),
    };
  }
  throw invalid(
    `USB target must be bulk:<ep>, interrupt:<ep> or control:<type>:<req>:<value>:<index>, got "${target.slice(0, 64)}"`,
  );
}

/** A read's length: `request.length`, default 64, 1 to 1 MiB. */
export function usbReadLength(request: IoRequest): number {
  const length = request.length ?? 64;
  if (!Number.isInteger(length) || length < 1 || length > MAX_USB_TRANSFER_BYTES) {
    throw invalid(`USB read length must be 1–${MAX_USB_TRANSFER_BYTES}`);
  }
  return length;
}
