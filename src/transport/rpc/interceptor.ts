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
 * Wraps a streamed output so `onError` sees an error raised while it is consumed (and may
 * replace it) and `onDone` runs once when it ends either way, also when the consumer stops
 * early: a stream's failure happens after its procedure returned, so an interceptor must
 * follow it to the end.
 *
 * A plain iterator, not an async generator: it hands on the inner stream's own promise with one
 * `then`, where a generator layer adds its own queue and several microtasks per item, and a
 * watch's fan-out runs through two of these for each of its streams.
 */
export function observeStream<T>(
  stream: AsyncIterable<T>,
  hooks: { onError?: (error: unknown) => unknown; onDone?: (error: unknown) => void },
): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const inner = stream[Symbol.asyncIterator]();
      let ended = false;
      const end = (failure: unknown) => {
        if (ended) return;
        ended = true;
        hooks.onDone?.(failure);
      };
      const passOn = (result: IteratorResult<T>) => {
        if (result.done === true) end(undefined);
        return result;
      };
      const fail = (error: unknown): never => {
        const failure = ended ? error : hooks.onError ? hooks.onError(error) : error;
        end(failure);
        throw failure;
      };
      const finished = (): Promise<IteratorResult<T>> => Promise.resolve({ done: true, value: undefined });
      return {
        next: () => (ended ? finished() : settle(() => inner.next(), passOn, fail)),
        return: () => {
          if (ended || inner.return === undefined) {
            end(undefined);
            return finished();
          }
          return settle(
            () => (inner.return as () => Promise<IteratorResult<T>>)(),
            (result) => {
              end(undefined);
              return { done: true, value: result.value };
            },
            fail,
          );
        },
      };
    },
  };
}

// A step of the inner iterator that throws at once is a failure of the stream all the same.
function settle<T>(
  step: () => Promise<IteratorResult<T>>,
  onResult: (result: IteratorResult<T>) => IteratorResult<T>,
  onError: (error: unknown) => never,
): Promise<IteratorResult<T>> {
  let pending: Promise<IteratorResult<T>>;
  try {
    pending = step();
  } catch (error) {
    pending = Promise.reject(error);
  }
  return pending.then(onResult, onError);
}
