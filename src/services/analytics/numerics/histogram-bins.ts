import { uniformCounts } from './histogram-counts.ts';
import { assertFitsBudget, type BudgetOptions } from './limits.ts';
import { momentsOf } from './moments.ts';
import { invalidOption, NumericsReason, resultTooLarge } from './numerics-reason.ts';
import { quantilesOf } from './quantiles.ts';

/** numpy's bin-width rules (`numpy.histogram_bin_edges(bins='…')`). */
export type BinRule = 'auto' | 'fd' | 'sturges' | 'sqrt' | 'rice' | 'scott' | 'doane' | 'stone';

export const BIN_RULES: readonly BinRule[] = [
  'auto',
  'fd',
  'sturges',
  'sqrt',
  'rice',
  'scott',
  'doane',
  'stone',
];

/** Most samples × candidate bin counts 'stone' may evaluate (it histograms the data per candidate). */
const STONE_WORK = 200_000_000;

/** The finite values a rule sees and the outer edges, as numpy's `_get_outer_edges`. */
export interface BinData {
  /** Non-NaN values inside the range (all of them when no range is given). */
  x: Float64Array;
  first: number;
  last: number;
}

/**
 * The finite non-NaN values (within `range` when given) and the outer edges: the range, or the
 * data's min and max; an empty or constant set widens by ±0.5 (empty with no range: [0, 1]).
 */
export function binData(values: Float64Array, range?: readonly [number, number]): BinData {
  if (range !== undefined) {
    const [lo, hi] = range;
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
      throw invalidOption(
        NumericsReason.INVALID_BINS,
        'range',
        'range must be two finite numbers, low ≤ high',
      );
    }
  }
  const kept = range === undefined && allFinite(values) ? values : filtered(values, range);
  const n = kept.length;
  let [first, last] = range ?? [0, 1];
  if (range === undefined && n > 0) {
    const m = momentsOf(kept, 0, n, false);
    first = m.min;
    last = m.max;
  }
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  return { x: kept, first, last };
}

/** Whether every value is finite: then the input itself is binned, with no copy. */
function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) return false;
  return true;
}

function filtered(values: Float64Array, range?: readonly [number, number]): Float64Array {
  const x = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v) || (range !== undefined && !(v >= range[0] && v <= range[1]))) continue;
    if (!Number.isFinite(v)) {
      throw invalidOption(
        NumericsReason.INVALID_BINS,
        'values',
        'an infinite value has no bin; give a range',
      );
    }
    x[n++] = v;
  }
  return x.subarray(0, n);
}

/** numpy's `np.linspace(first, last, bins + 1)`: i·step + first, the last edge exactly `last`. */
export function linspaceEdges(first: number, last: number, bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i < bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/** The number of equal bins a rule gives, as numpy's `_get_bin_edges` (1 when the width is 0). */
export function ruleBinCount(rule: BinRule, data: BinData, options: BudgetOptions): number {
  if (data.x.length === 0) return 1;
  const width = binWidth(rule, data);
  if (!(width > 0)) return 1;
  const bins = Math.ceil((data.last - data.first) / width);
  assertFitsBudget(2 * bins, options, `${bins} histogram bins`);
  return bins;
}

function binWidth(rule: BinRule, data: BinData): number {
  const { x } = data;
  const n = x.length;
  const m = momentsOf(x, 0, n, rule === 'scott' || rule === 'doane');
  const ptp = m.max - m.min;
  switch (rule) {
    case 'sqrt':
      return ptp / Math.sqrt(n);
    case 'sturges':
      return ptp / (Math.log2(n) + 1);
    case 'rice':
      return ptp / (2 * n ** (1 / 3));
    case 'scott':
      return ((24 * Math.PI ** 0.5) / n) ** (1 / 3) * Math.sqrt(m.m2 / n);
    case 'fd':
      return fdWidth(x);
    case 'auto': {
      const fd = fdWidth(x);
      const sturges = ptp / (Math.log2(n) + 1);
      return fd ? Math.min(fd, sturges) : sturges;
    }
    case 'doane':
      return doaneWidth(x, m.mean, Math.sqrt(m.m2 / n), ptp);
    case 'stone':
      return stoneWidth(data, ptp);
  }
}

function fdWidth(x: Float64Array): number {
  const [q75, q25] = quantilesOf(x, [0.75, 0.25]) as unknown as [number, number];
  return 2 * (q75 - q25) * x.length ** (-1 / 3);
}

function doaneWidth(x: Float64Array, mean: number, sigma: number, ptp: number): number {
  const n = x.length;
  if (n <= 2 || !(sigma > 0)) return 0;
  const sg1 = Math.sqrt((6 * (n - 2)) / ((n + 1) * (n + 3)));
  let cubes = 0;
  for (let i = 0; i < n; i++) {
    const z = ((x[i] as number) - mean) / sigma;
    cubes += z * z * z;
  }
  const g1 = cubes / n;
  return ptp / (1 + Math.log2(n) + Math.log2(1 + Math.abs(g1) / sg1));
}

/** Stone's rule: the width minimising the leave-one-out risk over 1..max(100, √n) bins. */
function stoneWidth(data: BinData, ptp: number): number {
  const n = data.x.length;
  if (n <= 1 || ptp === 0) return 0;
  const upper = Math.max(100, Math.floor(Math.sqrt(n)));
  if (upper * n > STONE_WORK) {
    throw resultTooLarge(
      `bins 'stone' would histogram ${n} samples ${upper} times; use 'auto' or 'fd' for this many`,
    );
  }
  let best = 1;
  let bestRisk = Number.POSITIVE_INFINITY;
  for (let bins = 1; bins <= upper; bins++) {
    const counts = uniformCounts(data.x, linspaceEdges(data.first, data.last, bins));
    let sumSquares = 0;
    for (let i = 0; i < bins; i++) sumSquares += ((counts[i] as number) / n) ** 2;
    const risk = (2 - (n + 1) * sumSquares) / (ptp / bins);
    if (risk < bestRisk) {
      bestRisk = risk;
      best = bins;
    }
  }
  return ptp / best;
}
