/**
 * Sliding-window minimum or maximum in amortised O(1) per sample: a deque of indices whose
 * values are monotonic, so the front is always the extreme of the window. Every index enters
 * and leaves once. NaN never enters (NaN is skipped, as pandas' rolling min/max does).
 */
export class MonotonicDeque {
  private readonly indices: Int32Array;
  private head = 0;
  private tail = 0;

  /**
   * `capacity` bounds the indices pushed over the deque's life (each index is pushed at most
   * once, never wrapped); `keepsMax` selects a maximum deque rather than a minimum one.
   */
  constructor(
    private readonly values: Float64Array,
    capacity: number,
    private readonly keepsMax: boolean,
    private readonly base: number,
  ) {
    this.indices = new Int32Array(Math.max(1, capacity));
  }

  /** Pushes sample `i` (absolute index, ≥ base), dropping the ones it dominates. */
  push(i: number): void {
    const v = this.values[i] as number;
    if (Number.isNaN(v)) return;
    if (this.keepsMax) {
      while (
        this.tail > this.head &&
        (this.values[(this.indices[this.tail - 1] as number) + this.base] as number) <= v
      )
        this.tail--;
    } else {
      while (
        this.tail > this.head &&
        (this.values[(this.indices[this.tail - 1] as number) + this.base] as number) >= v
      )
        this.tail--;
    }
    this.indices[this.tail++] = i - this.base;
  }

  /** Drops indices before `left` (absolute). */
  evictBefore(left: number): void {
    while (this.tail > this.head && (this.indices[this.head] as number) + this.base < left) this.head++;
  }

  /** The extreme of the window; NaN when it holds no value. */
  extreme(): number {
    return this.tail > this.head
      ? (this.values[(this.indices[this.head] as number) + this.base] as number)
      : Number.NaN;
  }
}
