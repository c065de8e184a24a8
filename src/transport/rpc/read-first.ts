/**
 * Reads the first message of a client stream before the procedure is called, and returns the
 * stream with that message put back in front. A request whose first message cannot be decoded
 * is then refused as INVALID_ARGUMENT before the chain runs, as a unary request is, instead of
 * the answer depending on whether the procedure reads its input (one that does not, such as an
 * unimplemented method, would otherwise answer UNIMPLEMENTED to garbage). Messages after the
 * first are read when the procedure asks for them.
 */
export async function readFirst<T>(stream: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const rest: AsyncIterable<T> = { [Symbol.asyncIterator]: () => iterator };
  return (async function* replayFirst() {
    if (first.done) return;
    yield first.value;
    yield* rest;
  })();
}
