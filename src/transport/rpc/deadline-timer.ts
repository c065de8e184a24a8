import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';

/** The longest delay Node's timers take; beyond it they fire after 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A pending {@link onDeadline} call; `clear()` cancels it. */
export interface DeadlineTimer {
  clear(): void;
}

/**
 * Calls `fire` once the epoch time `deadline` has come, however far away it is: a gRPC timeout
 * may be up to 8 digits of hours (~11 400 years), and a single Node timer cannot wait longer than
 * ~24.8 days.
 */
export function onDeadline(deadline: number, fire: () => void): DeadlineTimer {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      fire();
      return;
    }
    timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}

/** The error of a call whose deadline passed before it finished. */
export function deadlineExceeded(): AppError {
  return new AppError(
    Code.DEADLINE_EXCEEDED,
    PlatformReason.DEADLINE_EXCEEDED,
    'the deadline passed before the call finished',
  );
}
