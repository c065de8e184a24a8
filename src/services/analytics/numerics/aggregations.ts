import { type Moments, momentsOf, plainSumOf, varianceOf } from './moments.ts';
import { invalidOption, NumericsReason } from './numerics-reason.ts';
import { quantilesInPlace } from './quantiles.ts';

/** A statistic every bucket or window can report. */
export type SimpleAggregation = 'mean' | 'min' | 'max' | 'sum' | 'count' | 'first' | 'last' | 'std' | 'var';

/** A statistic of a bucket: a named one or a quantile in [0, 1] (`{ quantile: 0.95 }`). */
export type Aggregation = SimpleAggregation | { quantile: number };

const SIMPLE: readonly SimpleAggregation[] = [
  'mean',
  'min',
  'max',
  'sum',
  'count',
  'first',
  'last',
  'std',
  'var',
];

/** The column name of an aggregation: its own name, or `p95` / `p99.9` for a quantile. */
export function aggregationName(aggregation: Aggregation): string {
  if (typeof aggregation === 'string') return aggregation;
  return `p${Number((aggregation.quantile * 100).toPrecision(12))}`;
}

/**
 * Throws INVALID_AGGREGATION for an empty list, an unknown name, a quantile outside [0, 1] or a
 * repeated aggregation; `field` names the list (`aggregations`).
 */
export function assertAggregations(aggregations: readonly Aggregation[], field = 'aggregations'): void {
  if (!Array.isArray(aggregations) || aggregations.length === 0) {
    throw invalidOption(
      NumericsReason.INVALID_AGGREGATION,
      field,
      `${field} must name at least one aggregation`,
    );
  }
  const seen = new Set<string>();
  aggregations.forEach((aggregation, i) => {
    const at = `${field}[${i}]`;
    if (typeof aggregation === 'string') {
      if (!(SIMPLE as readonly string[]).includes(aggregation)) {
        throw invalidOption(
          NumericsReason.INVALID_AGGREGATION,
          at,
          `${at} is not an aggregation; use one of ${SIMPLE.join(', ')} or { quantile }`,
        );
      }
    } else {
      const q = (aggregation as { quantile?: unknown } | null)?.quantile;
      if (typeof q !== 'number' || !(q >= 0 && q <= 1)) {
        throw invalidOption(
          NumericsReason.INVALID_QUANTILE,
          `${at}.quantile`,
          `${at}.quantile must be in [0, 1]`,
        );
      }
    }
    const name = aggregationName(aggregation);
    if (seen.has(name)) {
      throw invalidOption(NumericsReason.INVALID_AGGREGATION, at, `${at} repeats ${name}`);
    }
    seen.add(name);
  });
}

/**
 * Computes a fixed list of aggregations over slices of values into one column per aggregation:
 * one fused moments pass per slice (two when std/var are asked for) and one selection shared by
 * all its quantiles. NaN samples are skipped; an empty slice gives count 0, sum 0 and NaN for
 * every other statistic (pandas' resample convention). Variance uses `ddof` (default 1).
 */
export class SliceAggregator {
  readonly columns: Float64Array[];
  private readonly needsM2: boolean;
  /** Every aggregation is mean, sum or count: a slice needs only its sum. */
  private readonly sumsOnly: boolean;
  private readonly quantiles: number[];
  private readonly quantileColumns: number[];
  private scratch = new Float64Array(0);

  constructor(
    private readonly aggregations: readonly Aggregation[],
    rows: number,
    private readonly ddof = 1,
  ) {
    this.columns = aggregations.map(() => new Float64Array(rows));
    this.needsM2 = aggregations.some((a) => a === 'std' || a === 'var');
    this.sumsOnly = aggregations.every((a) => a === 'mean' || a === 'sum' || a === 'count');
    this.quantiles = [];
    this.quantileColumns = [];
    aggregations.forEach((a, column) => {
      if (typeof a !== 'string') {
        this.quantiles.push(a.quantile);
        this.quantileColumns.push(column);
      }
    });
  }

  /** Writes the aggregations of `values[from..to)` to row `row`; returns its non-NaN count. */
  aggregate(values: Float64Array, from: number, to: number, row: number): number {
    if (this.sumsOnly) {
      const sum = plainSumOf(values, from, to);
      if (!Number.isNaN(sum)) {
        const count = to - from;
        for (let column = 0; column < this.aggregations.length; column++) {
          const a = this.aggregations[column];
          (this.columns[column] as Float64Array)[row] =
            a === 'sum' ? sum : a === 'count' ? count : count === 0 ? Number.NaN : sum / count;
        }
        return count;
      }
    }
    let copy: Float64Array | undefined;
    if (this.quantiles.length > 0) {
      if (this.scratch.length < to - from)
        this.scratch = new Float64Array(Math.max(to - from, this.scratch.length * 2));
      copy = this.scratch;
    }
    const moments = momentsOf(values, from, to, this.needsM2, copy);
    this.aggregations.forEach((a, column) => {
      if (typeof a === 'string') (this.columns[column] as Float64Array)[row] = this.simple(a, moments);
    });
    if (copy !== undefined) {
      const q = quantilesInPlace(copy, this.quantiles, 0, moments.count);
      this.quantileColumns.forEach((column, i) => {
        (this.columns[column] as Float64Array)[row] = q[i] as number;
      });
    }
    return moments.count;
  }

  private simple(aggregation: SimpleAggregation, m: Moments): number {
    switch (aggregation) {
      case 'mean':
        return m.mean;
      case 'min':
        return m.min;
      case 'max':
        return m.max;
      case 'sum':
        return m.sum;
      case 'count':
        return m.count;
      case 'first':
        return m.first;
      case 'last':
        return m.last;
      case 'std':
        return Math.sqrt(varianceOf(m.m2, m.count, this.ddof));
      case 'var':
        return varianceOf(m.m2, m.count, this.ddof);
    }
  }
}
