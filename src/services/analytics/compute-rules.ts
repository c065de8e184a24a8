import type { Duration } from '../../gen/google/protobuf/duration.ts';
import { Aggregation as AggregationKind } from '../../gen/hcs/v1/analytics.ts';
import { invalidField } from '../../platform/errors/index.ts';
import { ListReason } from '../common/index.ts';
import type { GridRange } from './compute-grid.ts';
import { type Aggregation, NumericsReason } from './numerics/index.ts';
import { AnalyticsReason } from './reasons.ts';
import { msOfDuration } from './series-procedures.ts';
import { timeRangeOf } from './time-range.ts';

/** Most aggregations, and most percentiles, one bucketed or rolling computation may ask for. */
export const MAX_AGGREGATIONS = 16;

/** Default and largest page of a sample-by-sample output. */
export const OUTPUT_PAGE = { defaultSize: 10_000, maxSize: 100_000 } as const;

const NAMES: Record<number, [string, Aggregation]> = {
  [AggregationKind.AGGREGATION_MEAN]: ['mean', 'mean'],
  [AggregationKind.AGGREGATION_MIN]: ['min', 'min'],
  [AggregationKind.AGGREGATION_MAX]: ['max', 'max'],
  [AggregationKind.AGGREGATION_SUM]: ['sum', 'sum'],
  [AggregationKind.AGGREGATION_COUNT]: ['count', 'count'],
  [AggregationKind.AGGREGATION_FIRST]: ['first', 'first'],
  [AggregationKind.AGGREGATION_LAST]: ['last', 'last'],
  [AggregationKind.AGGREGATION_MEDIAN]: ['median', { quantile: 0.5 }],
  [AggregationKind.AGGREGATION_STD]: ['std', 'std'],
  [AggregationKind.AGGREGATION_VAR]: ['var', 'var'],
};

/** The column name of a percentile: "p95", "p99.9". */
export function percentileName(percentile: number): string {
  return `p${Number(percentile.toPrecision(12))}`;
}

/** Throws INVALID_QUANTILE unless every percentile is a number in [0, 100]; returns quantiles. */
export function quantilesOfPercentiles(
  percentiles: readonly number[],
  max: number,
  field = 'percentiles',
): number[] {
  if (percentiles.length > max) {
    throw invalidField(
      NumericsReason.INVALID_QUANTILE,
      field,
      `${field} may hold at most ${max} percentiles`,
    );
  }
  return percentiles.map((p, i) => {
    if (!(p >= 0 && p <= 100)) {
      throw invalidField(
        NumericsReason.INVALID_QUANTILE,
        `${field}[${i}]`,
        `${field}[${i}] must be a percentile in [0, 100] (99 is p99), got ${String(p)}`,
      );
    }
    return p / 100;
  });
}

/**
 * The kernel aggregations and column names of a request's `aggregations` (empty: MEAN) and
 * `percentiles`, in that order. Throws INVALID_AGGREGATION for an unknown or repeated one (a
 * MEDIAN and a 50th percentile repeat each other) or, for rolling windows, FIRST and LAST.
 */
export function aggregationsOf(
  kinds: readonly AggregationKind[],
  percentiles: readonly number[],
  rollingWindow = false,
): { aggregations: Aggregation[]; names: string[] } {
  if (kinds.length > MAX_AGGREGATIONS) {
    throw invalidField(
      NumericsReason.INVALID_AGGREGATION,
      'aggregations',
      `aggregations may hold at most ${MAX_AGGREGATIONS} entries`,
    );
  }
  const aggregations: Aggregation[] = [];
  const names: string[] = [];
  const add = (name: string, aggregation: Aggregation, field: string) => {
    const key = typeof aggregation === 'string' ? aggregation : percentileName(aggregation.quantile * 100);
    if (aggregations.some((a) => (typeof a === 'string' ? a : percentileName(a.quantile * 100)) === key)) {
      throw invalidField(NumericsReason.INVALID_AGGREGATION, field, `${field} repeats ${name}`);
    }
    aggregations.push(aggregation);
    names.push(name);
  };
  (kinds.length === 0 ? [AggregationKind.AGGREGATION_MEAN] : kinds).forEach((kind, i) => {
    const field = `aggregations[${i}]`;
    const known =
      NAMES[kind === AggregationKind.AGGREGATION_UNSPECIFIED ? AggregationKind.AGGREGATION_MEAN : kind];
    if (known === undefined) {
      throw invalidField(NumericsReason.INVALID_AGGREGATION, field, `${field} is not an aggregation`);
    }
    if (rollingWindow && (known[0] === 'first' || known[0] === 'last')) {
      throw invalidField(
        NumericsReason.INVALID_AGGREGATION,
        field,
        `${field}: ${known[0].toUpperCase()} is not available for rolling windows`,
      );
    }
    add(known[0], known[1], field);
  });
  quantilesOfPercentiles(percentiles, MAX_AGGREGATIONS).forEach((quantile, i) => {
    add(percentileName(quantile * 100), { quantile }, `percentiles[${i}]`);
  });
  return { aggregations, names };
}

/**
 * Milliseconds of a required positive Duration (`interval`, `window_duration`), at most
 * `maxMs`; throws INVALID_BUCKETS / `reason` naming the field otherwise.
 */
export function positiveMsOf(
  duration: Duration | undefined,
  field: string,
  maxMs = 100 * 366 * 86_400_000,
  reason: string = NumericsReason.INVALID_BUCKETS,
): number {
  if (duration === undefined) throw invalidField(reason, field, `${field} is required`);
  const ms = msOfDuration(duration);
  if (!(ms >= 1 && ms <= maxMs)) {
    throw invalidField(reason, field, `${field} must be at least 1ms and at most ${maxMs / 86_400_000} days`);
  }
  return ms;
}

/** The request's range with its open ends marked; INVALID_RANGE when end precedes start. */
export function gridRangeOf(start: Date | undefined, end: Date | undefined, now: number): GridRange {
  const range = timeRangeOf(start, end, now);
  if (start !== undefined && end !== undefined && range.end < range.start) {
    throw invalidField(AnalyticsReason.INVALID_RANGE, 'end_time', 'end_time must not be before start_time');
  }
  return { ...range, openStart: start === undefined, openEnd: end === undefined };
}

/**
 * The page size of a sample-by-sample output: 0 means 10,000, larger than 100,000 is cut to
 * 100,000 (as list pages are); negative is INVALID_PAGE_SIZE.
 */
export function outputPageSizeOf(pageSize: number): number {
  if (!Number.isInteger(pageSize) || pageSize < 0) {
    throw invalidField(
      ListReason.INVALID_PAGE_SIZE,
      'page_size',
      'page_size must be 0 or a positive integer',
    );
  }
  return pageSize === 0 ? OUTPUT_PAGE.defaultSize : Math.min(pageSize, OUTPUT_PAGE.maxSize);
}
