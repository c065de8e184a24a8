/**
 * A reusable scratch buffer for selections. Writing into freshly allocated memory costs a page
 * fault per 4 KiB page the first time, which for 10M samples (80 MB) can cost more than the
 * whole computation; repeated queries reuse one buffer instead. The buffer is retained while in
 * use and for {@link RETAIN_MS} after, then dropped so an idle process gives the memory back.
 *
 * Kernels are synchronous, so one borrower at a time holds it: a borrow inside a borrow (a
 * kernel calling another) gets a fresh array instead of the shared one.
 */

const RETAIN_MS = 30_000;

let retained: Float64Array | undefined;
let borrowed = false;
let releaseTimer: NodeJS.Timeout | undefined;

/**
 * Runs `use` with a Float64Array of at least `length` elements (contents undefined) and returns
 * its result. The array must not escape `use`.
 */
export function withScratch<T>(length: number, use: (scratch: Float64Array) => T): T {
  if (borrowed) return use(new Float64Array(length));
  if (retained === undefined || retained.length < length) retained = new Float64Array(length);
  borrowed = true;
  try {
    return use(retained);
  } finally {
    borrowed = false;
    scheduleRelease();
  }
}

function scheduleRelease(): void {
  if (releaseTimer !== undefined) releaseTimer.refresh();
  else {
    releaseTimer = setTimeout(() => {
      retained = undefined;
      releaseTimer = undefined;
    }, RETAIN_MS);
    releaseTimer.unref();
  }
}
