/**
 * Counts of values per bin, numpy's rules: bins are [e_i, e_{i+1}) except the last, which is
 * closed [e_{n−1}, e_n]; values outside [e_0, e_n] and NaN are not counted.
 */

/**
 * Counts for equal-width edges (from {@link linspaceEdges}): the bin is computed arithmetically
 * and corrected by one against the actual edges, as numpy does, so a value on an edge lands
 * where a search of the edges would put it.
 */
export function uniformCounts(x: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const first = edges[0] as number;
  const last = edges[bins] as number;
  const span = last - first;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (!(v >= first && v <= last)) continue;
    let b = Math.trunc(((v - first) / span) * bins);
    if (b === bins) b--;
    if (v < (edges[b] as number)) b--;
    else if (b !== bins - 1 && v >= (edges[b + 1] as number)) b++;
    counts[b] = (counts[b] as number) + 1;
  }
  return counts;
}

/** Counts for arbitrary ascending edges, by binary search per value. */
export function searchedCounts(x: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const first = edges[0] as number;
  const last = edges[bins] as number;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (!(v >= first && v <= last)) continue;
    // The last edge e with e ≤ v, clamped into the closed last bin.
    let lo = 0;
    let hi = bins;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((edges[mid] as number) <= v) lo = mid;
      else hi = mid - 1;
    }
    const b = Math.min(lo, bins - 1);
    counts[b] = (counts[b] as number) + 1;
  }
  return counts;
}
