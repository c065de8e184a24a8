import type { Duration } from '../../gen/google/protobuf/duration.ts';

/** A proto Duration of a whole number of milliseconds (negative spans keep both parts negative). */
export function durationFromMs(ms: number): Duration {
  const whole = Math.trunc(ms);
  return { seconds: String(Math.trunc(whole / 1000)), nanos: (whole % 1000) * 1_000_000 };
}

/**
 * Milliseconds of a proto Duration, rounded up so that 1 ns is not 0 ms (which would mean
 * "unset" to the caller). A span too large for a double becomes Infinity; callers cap it.
 */
export function msFromDuration(duration: Duration): number {
  return Number(duration.seconds) * 1000 + Math.ceil(duration.nanos / 1e6);
}
