/**
 * HID targets (`IoRequest.target`): which report a read or write is about.
 *
 * - read `input` (default): the next input report, as the device sends it;
 * - read `feature:<id>`: feature report `<id>` (0–255), `length` bytes (default 64, id included);
 * - write `output` or `output:<id>` (default id 0): an output report, the id prepended;
 * - write `feature:<id>`: a feature report, the id prepended.
 */
import { HardwareError, HardwareErrorKind, type IoRequest } from '../../index.ts';

/** Largest report payload accepted; HID reports are at most a few kilobytes. */
export const MAX_HID_REPORT_BYTES = 4096;

export type HidReadTarget = { kind: 'input' } | { kind: 'feature'; reportId: number; length: number };
export type HidWriteTarget = { kind: 'output' | 'feature'; reportId: number };

const PATTERN = /^(input|output|feature)(?::(\d{1,3}))?$/;

function parse(request: IoRequest, fallback: string): { kind: string; reportId: number | undefined } {
  const target = request.target ?? fallback;
  const match = PATTERN.exec(target);
  const reportId = match?.[2] === undefined ? undefined : Number(match[2]);
  if (match === null || (reportId !== undefined && reportId > 255)) {
    throw new HardwareError(
      HardwareErrorKind.INVALID_REQUEST,
      `HID target must be input, output[:id] or feature:<id> with id 0–255, got "${target.slice(0, 64)}"`,
    );
  }
  return { kind: match[1] as string, reportId };
}

/** Parses a read target; INVALID_REQUEST when it is not one. */
export function hidReadTarget(request: IoRequest): HidReadTarget {
  const { kind, reportId } = parse(request, 'input');
  if (kind === 'input' && reportId === undefined) return { kind: 'input' };
  if (kind === 'feature' && reportId !== undefined) {
    const length = request.length ?? 64;
    if (!Number.isInteger(length) || length < 1 || length > MAX_HID_REPORT_BYTES) {
      throw new HardwareError(
        HardwareErrorKind.INVALID_REQUEST,
        `HID feature report length must be 1–${MAX_HID_REPORT_BYTES}`,
      );
    }
    return { kind: 'feature', reportId, length };
  }
  throw new HardwareError(HardwareErrorKind.INVALID_REQUEST, 'a HID read target is input or feature:<id>');
}

/** Parses a write target; INVALID_REQUEST when it is not one. */
export function hidWriteTarget(request: IoRequest): HidWriteTarget {
  const { kind, reportId } = parse(request, 'output');
  if (kind === 'output') return { kind, reportId: reportId ?? 0 };
  if (kind === 'feature' && reportId !== undefined) return { kind, reportId };
  throw new HardwareError(
    HardwareErrorKind.INVALID_REQUEST,
    'a HID write target is output[:id] or feature:<id>',
  );
}
