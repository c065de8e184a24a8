/**
 * AbortSignal helpers every adapter uses, so a fired signal always becomes the same
 * HardwareError: TIMEOUT when the reason is a timeout, CANCELLED otherwise.
 */
import { HardwareError, HardwareErrorKind, isHardwareError } from './hardware-error.ts';

/** The HardwareError a fired signal stands for (its reason when that already is one). */
export function abortError(signal: AbortSignal, what = 'operation'): HardwareError {
  const reason: unknown = signal.reason;
  if (isHardwareError(reason)) return reason;
  if (reason instanceof DOMException && reason.name === 'TimeoutError') {
    return new HardwareError(HardwareErrorKind.TIMEOUT, `${what} timed out`);
  }
  return new HardwareError(HardwareErrorKind.CANCELLED, `${what} was cancelled`);
}

/** Throws {@link abortError} when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal, what?: string): void {
  if (signal.aborted) throw abortError(signal, what);
}

/**
 * Races `work` against `signal`: rejects with {@link abortError} as soon as it fires, and calls
 * `onAbort` (e.g. cancel a native transfer) once. `work` is never left unhandled.
 */
export function raceAbort<T>(
  work: Promise<T>,
  signal: AbortSignal,
  what?: string,
  onAbort?: () => void,
): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    onAbort?.();
    return Promise.reject(abortError(signal, what));
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(abortError(signal, what));
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/** Waits `ms`, or rejects with {@link abortError} when `signal` fires first. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}
