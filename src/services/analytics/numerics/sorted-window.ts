/**
 * The values of a sliding window kept sorted in a flat Float64Array: the order-statistic
 * structure behind rolling quantiles. Insert and remove find their place by binary search and
 * shift the tail with `copyWithin` (a memmove), so each step costs O(log w) comparisons plus a
 * move of at most w doubles; for the window sizes telemetry uses (up to ~10⁴) the move is a few
 * microseconds and beats a pointer-chasing skip list (pandas' choice) in JavaScript, where every
 * node would be an object. Any rank is then read in O(1).
 */
export class SortedWindow {
  private buffer: Float64Array;
  private size = 0;

  constructor(capacity = 64) {
    this.buffer = new Float64Array(Math.max(1, capacity));
  }

  /** Number of values held. */
  get length(): number {
    return this.size;
  }

  /** Adds a value (not NaN). */
  insert(value: number): void {
    if (this.size === this.buffer.length) {
      const grown = new Float64Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    const at = this.upperBound(value);
    this.buffer.copyWithin(at + 1, at, this.size);
    this.buffer[at] = value;
    this.size++;
  }

  /** Removes one occurrence of a value that was inserted. */
  remove(value: number): void {
    const at = this.lowerBound(value);
    this.buffer.copyWithin(at, at + 1, this.size);
    this.size--;
  }

  /**
   * The q-quantile with linear interpolation between the two nearest ranks, as pandas'
   * rolling quantile computes it; NaN when empty.
   */
  quantile(q: number): number {
    if (this.size === 0) return Number.NaN;
    const h = (this.size - 1) * q;
    const lo = Math.floor(h);
    const low = this.buffer[lo] as number;
    if (lo === h || lo + 1 >= this.size) return low;
    return low + ((this.buffer[lo + 1] as number) - low) * (h - lo);
  }

  /**
   * The median absolute deviation from the median (unscaled; NaN when empty), in O(w): from the
   * median outwards the deviations on each side are already sorted, so merging the two runs
   * reaches the middle ranks without sorting.
   */
  medianAbsoluteDeviation(): number {
    const n = this.size;
    if (n === 0) return Number.NaN;
    const median = this.quantile(0.5);
    const lowRank = (n - 1) >> 1;
    const highRank = n >> 1;
    let left = this.lowerBound(median) - 1;
    let right = left + 1;
    let low = 0;
    for (let rank = 0; rank <= highRank; rank++) {
      const leftDeviation = left >= 0 ? median - (this.buffer[left] as number) : Number.POSITIVE_INFINITY;
      const rightDeviation = right < n ? (this.buffer[right] as number) - median : Number.POSITIVE_INFINITY;
      const next = Math.min(leftDeviation, rightDeviation);
      if (leftDeviation <= rightDeviation) left--;
      else right++;
      if (rank === lowRank) low = next;
      if (rank === highRank) return (low + next) / 2;
    }
    return Number.NaN;
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.buffer[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBound(value: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.buffer[mid] as number) <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
