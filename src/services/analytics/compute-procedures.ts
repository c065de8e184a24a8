import type { AnalyticsServiceService, ValueColumn } from '../../gen/hcs/v1/analytics.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import type { Computations, OutputPage } from './computations.ts';
import { anomalyRequestOf, histogramBinsOf, rollingWindowOf, transformOf } from './compute-options.ts';
import {
  aggregationsOf,
  gridRangeOf,
  outputPageSizeOf,
  positiveMsOf,
  quantilesOfPercentiles,
} from './compute-rules.ts';
import type { RollingAggregation } from './numerics/index.ts';
import { outputPageTokenOf, type PagedRequest, resumeAfterOf, resumeOf } from './output-page-token.ts';
import { AnalyticsReason } from './reasons.ts';
import { assertSeriesKey, seriesIdOfName } from './series-rules.ts';

/** The computation RPCs of AnalyticsService. */
export type ComputeProcedures = Pick<
  ServiceImplementation<typeof AnalyticsServiceService>,
  | 'describeSeries'
  | 'resampleSeries'
  | 'computeRollingWindow'
  | 'transformSeries'
  | 'detectAnomalies'
  | 'correlateSeries'
  | 'computeHistogram'
  | 'aggregateSeries'
>;

/** The percentiles DescribeSeries reports when none are requested. */
export const DEFAULT_PERCENTILES: readonly number[] = [50, 90, 95, 99];

/** Most series one CorrelateSeries may name. */
export const MAX_CORRELATED_SERIES = 16;

function columnsOf(names: readonly string[], columns: readonly Float64Array[]): ValueColumn[] {
  return names.map((name, i) => ({ name, values: Array.from(columns[i] as Float64Array) }));
}

function dateOf(ms: number): Date | undefined {
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function pageOf(page: OutputPage, request: PagedRequest): { times: number[]; nextPageToken: string } {
  return {
    times: Array.from(page.times),
    nextPageToken: outputPageTokenOf(page.nextAfter, request, page.carry),
  };
}

/** Maps the computation RPCs onto the computations: request → domain call → response. */
export function computeProcedures(
  computations: Computations,
  now: () => number = Date.now,
): ComputeProcedures {
  return {
    async describeSeries(request) {
      const seriesId = seriesIdOfName(request.name, 'name');
      const range = gridRangeOf(request.startTime, request.endTime, now());
      if (request.skipPercentiles && request.percentiles.length > 0) {
        throw invalidField(
          AnalyticsReason.INVALID_COMPUTATION,
          'percentiles',
          'percentiles must be empty with skip_percentiles',
        );
      }
      const percentiles = request.percentiles.length > 0 ? request.percentiles : DEFAULT_PERCENTILES;
      const quantiles = quantilesOfPercentiles(percentiles, 100);
      const d = await computations.describe(seriesId, range, request.skipPercentiles ? 'skip' : quantiles);
      return {
        count: String(d.count),
        mean: d.mean,
        standardDeviation: d.std,
        min: d.min,
        max: d.max,
        sum: d.sum,
        percentiles: request.skipPercentiles
          ? []
          : percentiles.map((percentile, i) => ({ percentile, value: d.quantileValues[i] as number })),
        firstSampleTime: dateOf(d.firstTime),
        lastSampleTime: dateOf(d.lastTime),
        firstValue: d.first,
        lastValue: d.last,
      };
    },

    async resampleSeries(request) {
      const seriesId = seriesIdOfName(request.name, 'name');
      const range = gridRangeOf(request.startTime, request.endTime, now());
      const widthMs = positiveMsOf(request.interval, 'interval');
      const { aggregations, names } = aggregationsOf(request.aggregations, request.percentiles);
      const grid = { widthMs, originMs: request.originTime?.getTime() ?? 0 };
      const result = await computations.resample(seriesId, range, grid, aggregations);
      return {
        bucketTimes: Array.from(result.bucketStarts),
        counts: Array.from(result.counts),
        columns: columnsOf(names, result.columns),
      };
    },

    async computeRollingWindow(request) {
      const seriesId = seriesIdOfName(request.name, 'name');
      const range = gridRangeOf(request.startTime, request.endTime, now());
      const window = rollingWindowOf(request);
      const { aggregations, names } = aggregationsOf(request.aggregations, request.percentiles, true);
      const limit = outputPageSizeOf(request.pageSize);
      const after = resumeAfterOf(request);
      const page = await computations.rolling(
        seriesId,
        range,
        after,
        { ...window, aggregations: aggregations as RollingAggregation[] },
        limit,
      );
      return { ...pageOf(page, request), columns: columnsOf(names, page.columns) };
    },

    async transformSeries(request) {
      const seriesId = seriesIdOfName(request.name, 'name');
      const range = gridRangeOf(request.startTime, request.endTime, now());
      const transform = transformOf(request);
      const limit = outputPageSizeOf(request.pageSize);
      const resume = resumeOf(request);
      const page = await computations.transform(
        seriesId,
        range,
        resume?.after,
        transform,
        limit,
        resume?.carry,
      );
      return { ...pageOf(page, request), values: Array.from(page.columns[0] as Float64Array) };
    },

    async detectAnomalies(request) {
      const seriesId = seriesIdOfName(request.name, 'name');
      const range = gridRangeOf(request.startTime, request.endTime, now());
      const found = await computations.anomalies(seriesId, range, anomalyRequestOf(request));
      return {
        anomalies: Array.from(found.indices, (_, k) => {
          const value = found.values[k] as number;
          const lowerBound = found.lower[k] as number;
          const upperBound = found.upper[k] as number;
          const center = (lowerBound + upperBound) / 2;
          const score = found.scores[k] as number;
          return {
            sampleTime: new Date(found.times[k] as number),
            value,
            score: value < center ? -score : score,
            expectedValue: center,
            lowerBound,
            upperBound,
          };
        }),
        evaluatedCount: String(found.evaluated),
        truncated: found.truncated,
      };
    },

    async correlateSeries(request) {
      if (request.series.length < 2 || request.series.length > MAX_CORRELATED_SERIES) {
        throw invalidField(
          AnalyticsReason.INVALID_COMPUTATION,
          'series',
          `series must name 2 to ${MAX_CORRELATED_SERIES} series, got ${request.series.length}`,
        );
      }
      const ids = request.series.map((name, i) => seriesIdOfName(name, `series[${i}]`));
      ids.forEach((id, i) => {
        if (ids.indexOf(id) !== i) {
          throw invalidField(
            AnalyticsReason.INVALID_COMPUTATION,
            `series[${i}]`,
            `series[${i}] repeats series/${id}`,
          );
        }
      });
      const range = gridRangeOf(request.startTime, request.endTime, now());
      const widthMs = positiveMsOf(request.interval, 'interval');
      const { size, matrix, pairs } = await computations.correlate(ids, range, widthMs);
      return {
        series: ids.map((id) => `series/${id}`),
        rows: Array.from({ length: size }, (_, i) => ({
          coefficients: Array.from(matrix.subarray(i * size, (i + 1) * size)),
          pairCounts: Array.from(pairs.subarray(i * size, (i + 1) * size)),
        })),
      };
    },

    async computeHistogram(request) {
      const seriesId = seriesIdOfName(request.name, 'name');
      const range = gridRangeOf(request.startTime, request.endTime, now());
      const { bins, low, high } = histogramBinsOf(request);
      const result = await computations.histogram(seriesId, range, bins, { low, high });
      let total = 0;
      for (const count of result.counts) total += count;
      return {
        bins: Array.from(result.counts, (count, i) => ({
          lowerBound: result.edges[i] as number,
          upperBound: result.edges[i + 1] as number,
          count: String(count),
        })),
        totalCount: String(total),
        underflowCount: String(result.underflow),
        overflowCount: String(result.overflow),
      };
    },

    async aggregateSeries(request) {
      if (request.metric === '')
        throw invalidField(AnalyticsReason.INVALID_COMPUTATION, 'metric', 'metric is required');
      assertSeriesKey(request.metric, request.labels, '');
      const groupBy = groupByOf(request.groupBy);
      const range = gridRangeOf(request.startTime, request.endTime, now());
      const widthMs = positiveMsOf(request.interval, 'interval');
      const { aggregations, names } = aggregationsOf(request.aggregations, request.percentiles);
      const grid = { widthMs, originMs: request.originTime?.getTime() ?? 0 };
      const result = await computations.aggregate(
        { metric: request.metric, labels: request.labels, groupBy },
        range,
        grid,
        aggregations,
      );
      return {
        bucketTimes: Array.from(result.bucketStarts),
        groups: result.groups.map((group) => ({
          labels: group.labels,
          series: group.seriesIds.map((id) => `series/${id}`),
          counts: Array.from(group.counts),
          columns: columnsOf(names, group.columns),
        })),
      };
    },
  };
}

const LABEL_KEY = /^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/;

function groupByOf(keys: readonly string[]): string[] {
  if (keys.length > 8) {
    throw invalidField(AnalyticsReason.INVALID_COMPUTATION, 'group_by', 'group_by may name at most 8 labels');
  }
  keys.forEach((key, i) => {
    if (!LABEL_KEY.test(key) || keys.indexOf(key) !== i) {
      throw invalidField(
        AnalyticsReason.INVALID_COMPUTATION,
        `group_by[${i}]`,
        `group_by[${i}] must be a label key (${LABEL_KEY.source}) named once`,
      );
    }
  });
  return [...keys];
}
