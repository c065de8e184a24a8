import { BIN_RULES, type BinRule, binData, linspaceEdges, ruleBinCount } from './histogram-bins.ts';
import { searchedCounts, uniformCounts } from './histogram-counts.ts';
import { assertFitsBudget, type BudgetOptions } from './limits.ts';
import { invalidOption, NumericsReason } from './numerics-reason.ts';

/** Options of {@link histogram}. */
export interface HistogramOptions extends BudgetOptions {
  /**
   * A bin count (1 to 10⁶ equal bins), a numpy rule name, or explicit ascending edges (at least
   * two, finite). Default 'auto'.
   */
  bins?: number | BinRule | readonly number[];
  /** Only values in [low, high] are binned, and equal bins span exactly this range. */
  range?: readonly [number, number];
}

/** Bin edges (one more than the counts) and the count of values per bin. */
export interface Histogram {
  edges: Float64Array;
  counts: Float64Array;
}

/**
 * A histogram with numpy's bins: `numpy.histogram(values, bins, range)` and
 * `numpy.histogram_bin_edges`, including its rules ('auto', 'fd', 'sturges', 'sqrt', 'rice',
 * 'scott', 'doane', 'stone'). Unlike numpy, NaN values are skipped rather than an error; an
 * infinite value is INVALID_BINS unless a range excludes it. No values: one bin [0, 1] with
 * count 0 (numpy's rule), or the range's equal bins.
 */
export function histogram(values: Float64Array, options: HistogramOptions = {}): Histogram {
  const bins = options.bins ?? 'auto';
  const data = binData(values, options.range);
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1 || bins > 1_000_000) {
      throw invalidOption(
        NumericsReason.INVALID_BINS,
        'bins',
        'bins must be a whole number in [1, 1000000], a rule or edges',
      );
    }
    const edges = linspaceEdges(data.first, data.last, bins);
    return { edges, counts: uniformCounts(data.x, edges) };
  }
  if (typeof bins === 'string') {
    if (!BIN_RULES.includes(bins)) {
      throw invalidOption(
        NumericsReason.INVALID_BINS,
        'bins',
        `bins must be a count, edges or one of ${BIN_RULES.join(', ')}`,
      );
    }
    const edges = linspaceEdges(data.first, data.last, ruleBinCount(bins, data, options));
    return { edges, counts: uniformCounts(data.x, edges) };
  }
  if (!Array.isArray(bins) || bins.length < 2) {
    throw invalidOption(
      NumericsReason.INVALID_BINS,
      'bins',
      'bins must be a count, a rule or at least two edges',
    );
  }
  assertFitsBudget(2 * bins.length, options, `${bins.length} histogram edges`);
  const edges = Float64Array.from(bins);
  edges.forEach((edge, i) => {
    if (!Number.isFinite(edge) || (i > 0 && edge < (edges[i - 1] as number))) {
      throw invalidOption(
        NumericsReason.INVALID_BINS,
        `bins[${i}]`,
        `bins[${i}] must be finite and not below the edge before it`,
      );
    }
  });
  return { edges, counts: searchedCounts(data.x, edges) };
}
