export { type Aggregation, aggregationName, type SimpleAggregation } from './aggregations.ts';
export { type Anomalies, type AnomalyOptions, detectAnomalies, MAD_TO_SIGMA } from './anomalies.ts';
export type { BucketSpec } from './buckets.ts';
export { type Correlation, type CorrelationOptions, correlate } from './correlation.ts';
export { type DescribeOptions, type Description, describe } from './describe.ts';
export { type CumsumState, cumsum, diff, pctChange, type RateOptions, rate } from './differences.ts';
export { type EwmDecay, type EwmOptions, type EwmState, ewmMean, newEwmState } from './ewm.ts';
export { type GroupedSeries, type GroupResult, groupAggregate } from './group-aggregate.ts';
export { type Histogram, type HistogramOptions, histogram } from './histogram.ts';
export { BIN_RULES, type BinRule } from './histogram-bins.ts';
export { type BudgetOptions, DEFAULT_MAX_BYTES } from './limits.ts';
export { mergeSeries } from './merge-series.ts';
export { NumericsReason } from './numerics-reason.ts';
export { assertQuantiles, DEFAULT_QUANTILES, quantilesOf } from './quantiles.ts';
export { type ResampleOptions, type ResampleResult, resample } from './resample.ts';
export {
  ROLLING_PAGE,
  type RollingAggregation,
  type RollingOptions,
  type RollingPage,
  type RollingWindow,
  rolling,
  rollingPages,
} from './rolling.ts';
export {
  EMPTY_ROLLUP,
  mergeAllRollups,
  mergeRollups,
  type Rollup,
  rollupOf,
  rollupStd,
  rollupVariance,
} from './rollup.ts';
export { assertSeries, isSortedByTime, type Series, sortByTime } from './series.ts';
