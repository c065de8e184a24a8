/**
 * Runs critical sections one at a time, in arrival order: the few milliseconds where a write,
 * move or delete re-checks its precondition and renames, so two of them can never both see
 * the old etag. In-process on purpose: the sandbox is a directory on this box, written only by
 * this process. A promise chain, not a library: it is the whole of what is needed.
 */
export interface SerialLock {
  run<T>(section: () => Promise<T>): Promise<T>;
}

/** Creates a {@link SerialLock}. */
export function createSerialLock(): SerialLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(section) {
      const result = tail.then(section);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
