import { invalidField } from '../../platform/errors/index.ts';
import type { TimeRange } from './chunk-store.ts';
import { AnalyticsReason } from './reasons.ts';

/**
 * The range [start, end) in epoch milliseconds of a request's `start_time` / `end_time`: unset
 * start is the epoch, unset end is now (exclusive, so a sample written this millisecond is
 * not included). With `required`, both must be set and start must come first.
 */
export function timeRangeOf(
  startTime: Date | undefined,
  endTime: Date | undefined,
  now: number,
  required = false,
): TimeRange {
  if (required && startTime === undefined) {
    throw invalidField(AnalyticsReason.INVALID_RANGE, 'start_time', 'start_time is required');
  }
  if (required && endTime === undefined) {
    throw invalidField(AnalyticsReason.INVALID_RANGE, 'end_time', 'end_time is required');
  }
  const start = startTime === undefined ? 0 : Math.floor(startTime.getTime());
  const end = endTime === undefined ? now : Math.floor(endTime.getTime());
  if (required && !(start < end)) {
    throw invalidField(AnalyticsReason.INVALID_RANGE, 'end_time', 'end_time must be after start_time');
  }
  return { start: Math.max(start, 0), end };
}
