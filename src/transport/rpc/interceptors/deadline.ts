import { AppError, Code, PlatformReason } from '../../../platform/errors/index.ts';
import { deadlineExceeded, onDeadline } from '../deadline-timer.ts';
import type { Interceptor } from '../interceptor.ts';

/**
 * Settles a call that has a deadline with DEADLINE_EXCEEDED when it passes, or CANCELLED when
 * the client goes away first, instead of letting the caller wait for work nobody will read. The
 * procedure sees the cancellation through `ctx.signal` (the transport aborts it) and should stop
 * its work.
 *
 * A call without a deadline passes straight through: watching its signal would cost every call
 * an AbortController and a listener (a tenth of a small REST call's budget), and a procedure
 * that works long enough to matter (a stream, a device command) reads `ctx.signal` itself.
 */
export function deadlineInterceptor(): Interceptor {
  return (next) =>
    function enforceDeadline(input, ctx) {
      if (ctx.deadline === undefined) return next(input, ctx);
      if (ctx.signal.aborted) return Promise.reject(abortError(ctx.signal));
      if (ctx.deadline <= Date.now()) return Promise.reject(deadlineExceeded());
      const { deadline } = ctx;
      const pending = next(input, ctx);
      return new Promise((resolve, reject) => {
        const timer = onDeadline(deadline, () => reject(deadlineExceeded()));
        const onAbort = () => reject(abortError(ctx.signal));
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        const settle = () => {
          timer.clear();
          ctx.signal.removeEventListener('abort', onAbort);
        };
        pending.then(
          (output) => {
            settle();
            resolve(output);
          },
          (error: unknown) => {
            settle();
            reject(error);
          },
        );
      });
    };
}

function abortError(signal: AbortSignal): AppError {
  return signal.reason instanceof AppError
    ? signal.reason
    : new AppError(Code.CANCELLED, PlatformReason.CANCELLED, 'the call was cancelled');
}
