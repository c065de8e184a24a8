import { AppError } from '../../../platform/errors/index.ts';
import { type Interceptor, isAsyncIterable, observeStream } from '../interceptor.ts';

/**
 * Last before the procedure: whatever it throws, now or while a stream is consumed, leaves as
 * an AppError. Anything that is not already one becomes INTERNAL with a generic message; the
 * original stays in `cause` for the log and never reaches the client.
 */
export function errorInterceptor(): Interceptor {
  return (next) =>
    // Not an async function: one `then` with handlers made once costs a call less than an
    // async frame and its await (a few hundred bytes of garbage on every call).
    function normaliseErrors(input, ctx) {
      let pending: Promise<unknown>;
      try {
        pending = next(input, ctx);
      } catch (error) {
        return Promise.reject(AppError.from(error));
      }
      return pending.then(normaliseStream, rethrowNormalised);
    };
}

const STREAM_HOOKS = { onError: AppError.from };

function normaliseStream(output: unknown): unknown {
  return isAsyncIterable(output) ? observeStream(output, STREAM_HOOKS) : output;
}

function rethrowNormalised(error: unknown): never {
  throw AppError.from(error);
}
