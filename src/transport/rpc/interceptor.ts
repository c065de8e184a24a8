import type { Invoke } from './procedure.ts';

/**
 * Wraps the next step of a call. Interceptors are plain functions, composed once per
 * procedure at start, so a call pays only for the closures it runs through.
 */
export type Interceptor = (next: Invoke) => Invoke;

/** Composes interceptors around a procedure; the first one listed runs first (outermost). */
export function applyInterceptors(invoke: Invoke, interceptors: readonly Interceptor[]): Invoke {
  return interceptors.reduceRight((next, interceptor) => interceptor(next), invoke);
}

/** Whether a value is an AsyncIterable: a streaming input or output. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Wraps a streamed output so `onError` sees an error raised while it is consumed and
 * `onDone` runs once when it ends either way: a stream's failure happens after its procedure
 * returned, so an interceptor must follow it to the end.
 */
export async function* observeStream<T>(
  stream: AsyncIterable<T>,
  hooks: { onError?: (error: unknown) => unknown; onDone?: (error: unknown) => void },
): AsyncGenerator<T> {
  let failure: unknown;
  try {
    yield* stream;
  } catch (error) {
    failure = hooks.onError ? hooks.onError(error) : error;
    throw failure;
  } finally {
    hooks.onDone?.(failure);
  }
}
