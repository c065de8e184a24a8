import { AppError } from '../../../platform/errors/index.ts';
import { type Interceptor, isAsyncIterable, observeStream } from '../interceptor.ts';

/**
 * Last before the procedure: whatever it throws, now or while a stream is consumed, leaves as
 * an AppError. Anything that is not already one becomes INTERNAL with a generic message; the
 * original stays in `cause` for the log and never reaches the client.
 */
export function errorInterceptor(): Interceptor {
  return (next) =>
    async function normaliseErrors(input, ctx) {
      let output: unknown;
      try {
        output = await next(input, ctx);
      } catch (error) {
        throw AppError.from(error);
      }
      return isAsyncIterable(output) ? observeStream(output, { onError: AppError.from }) : output;
    };
}
