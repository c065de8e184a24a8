/**
 * In-place selection of order statistics on a Float64Array (NaN-free).
 *
 * Hand-written rather than the `quickselect` package: that one calls a comparator function per
 * comparison and selects one rank per call, while describe needs several ranks of 10M samples
 * in one go. Inlined `<` on a typed array is several times faster, and {@link selectRanks}
 * shares the partitioning work: once rank k is in place, every smaller rank lies left of it and
 * every larger one right, so the remaining ranks are searched in ever smaller ranges.
 */

/**
 * Floyd–Rivest selection: afterwards `a[k]` holds the value it would have if `a[left..right]`
 * were sorted, everything in `[left, k)` is ≤ it and everything in `(k, right]` ≥ it.
 * Expected n + min(k, n−k) + o(n) comparisons; the sampling step keeps the pivot near rank k.
 */
export function selectInPlace(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      // Recurse on a small sample around the expected position so the pivot lands close to k.
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      selectInPlace(a, k, newLeft, newRight);
    }
    const pivot = a[k] as number;
    let i = left;
    let j = right;
    swap(a, left, k);
    if ((a[right] as number) > pivot) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
    }
    if (a[left] === pivot) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

/**
 * Puts every rank in `ranks` (sorted ascending, unique, within [left, right]) in place in one
 * recursive pass: the middle rank first, then the ranks below it in the left part and the ranks
 * above it in the right part. Between two selected ranks the array is partitioned, which
 * {@link minInRange} relies on to find the next order statistic.
 */
export function selectRanks(
  a: Float64Array,
  ranks: ArrayLike<number>,
  left = 0,
  right = a.length - 1,
  from = 0,
  to = ranks.length,
): void {
  while (from < to) {
    const mid = (from + to) >>> 1;
    const k = ranks[mid] as number;
    selectInPlace(a, k, left, right);
    selectRanks(a, ranks, left, k - 1, from, mid);
    left = k + 1;
    from = mid + 1;
  }
}

/** The smallest value of `a[from..to)`; +Infinity when the range is empty. */
export function minInRange(a: Float64Array, from: number, to: number): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const v = a[i] as number;
    if (v < min) min = v;
  }
  return min;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}
