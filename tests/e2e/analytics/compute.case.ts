import type { Metadata } from '@grpc/grpc-js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type AggregateSeriesResponse,
  Aggregation,
  type AnalyticsServiceClient,
  AnomalyMethod,
  type ComputeHistogramResponse,
  type ComputeRollingWindowResponse,
  type CorrelateSeriesResponse,
  type DescribeSeriesResponse,
  type DetectAnomaliesResponse,
  HistogramBinRule,
  type ResampleSeriesResponse,
  Series as SeriesMessage,
  TransformKind,
  type TransformSeriesResponse,
} from '../../../src/gen/hcs/v1/analytics.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { readFixture } from '../../unit/services/analytics/numerics/fixtures.ts';
import { analyticsClient, unary } from './analytics-client.ts';
import {
  allClose,
  type ComputeMethod,
  callGrpc,
  callRest,
  close,
  identical,
  num,
  nums,
  type Query,
} from './compute-client.ts';

/** What a database's test file gives the shared cases: extra environment for the server. */
export interface ComputeTarget {
  label: string;
  open(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

type Column = (number | null)[];
interface StoredFixture {
  times: number[];
  values: number[];
  describe: {
    count: number;
    sum: number;
    mean: number;
    std: number;
    min: number;
    max: number;
    first: number;
    last: number;
    percentiles: number[];
    percentileValues: number[];
  };
  resample: { width: number; bucketStarts: number[]; columns: Record<string, Column> };
  rolling: Record<'count50' | 'duration5s', Record<string, Column>>;
  transforms: Record<string, Column>;
  anomalies: {
    values: number[];
    zscore: { center: number; scale: number; indices: number[] };
    mad: { center: number; scale: number; indices: number[] };
    trailing100: { indices: number[]; centers: number[]; scales: number[] };
  };
  histogram: Record<string, { edges: number[]; counts: number[]; underflow?: number; overflow?: number }>;
  correlation: { series: { times: number[]; values: number[] }[]; matrix: Column; pairs: number[] };
  group: {
    series: { site: string; times: number[]; values: number[] }[];
    bucketStarts: number[];
    groups: Record<string, Record<string, Column>>;
  };
}

const RESAMPLE_COLUMNS: [Aggregation, string][] = [
  [Aggregation.AGGREGATION_MEAN, 'mean'],
  [Aggregation.AGGREGATION_MIN, 'min'],
  [Aggregation.AGGREGATION_MAX, 'max'],
  [Aggregation.AGGREGATION_SUM, 'sum'],
  [Aggregation.AGGREGATION_COUNT, 'count'],
  [Aggregation.AGGREGATION_FIRST, 'first'],
  [Aggregation.AGGREGATION_LAST, 'last'],
  [Aggregation.AGGREGATION_STD, 'std'],
  [Aggregation.AGGREGATION_VAR, 'var'],
];

/**
 * The computation RPCs end to end on a real server: series as storage holds them (the
 * `stored` fixture, whose expectations numpy and pandas computed), every answer checked
 * against the fixture over gRPC and the same numbers over REST.
 */
export function runComputeCases(target: ComputeTarget): void {
  const test = suite(`analytics computations on ${target.label}`);
  const fixture = readFixture<StoredFixture>('stored');
  let app: TestApp;
  let cleanup: () => Promise<void>;
  let client: AnalyticsServiceClient;
  let metadata: Metadata;
  let token: string;

  const grpc = <T>(method: ComputeMethod, request: object) => callGrpc<T>(client, metadata, method, request);
  const rest = async (path: string, query: Query = {}, body?: object) => {
    const answer = await callRest(app.httpBase, token, path, query, body);
    assert.is(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  async function store(
    seriesId: string,
    labels: Record<string, string>,
    times: readonly number[],
    values: readonly number[],
  ) {
    await unary((cb) =>
      client.createSeries(
        { seriesId, series: SeriesMessage.fromPartial({ metric: 'compute_case', labels }) },
        metadata,
        cb,
      ),
    );
    await unary((cb) =>
      client.ingestSamples(
        {
          batches: [
            {
              series: `series/${seriesId}`,
              unit: '',
              samples: [],
              columns: { times: [...times], values: [...values] },
            },
          ],
        },
        metadata,
        cb,
      ),
    );
  }

  test.before(async () => {
    const opened = await target.open();
    cleanup = opened.cleanup;
    app = await startTestApp({ env: opened.env });
    token = await app.adminToken();
    ({ client, metadata } = analyticsClient(app.grpcTarget, token));
    await store('a', { case: 'a' }, fixture.times, fixture.values);
    await store('spiky', { case: 'spiky' }, fixture.times, fixture.anomalies.values);
    for (const [i, s] of fixture.correlation.series.entries())
      await store(`c${i + 1}`, { case: `c${i + 1}` }, s.times, s.values);
    for (const [i, s] of fixture.group.series.entries()) {
      await unary((cb) =>
        client.createSeries(
          {
            seriesId: `g${i}`,
            series: SeriesMessage.fromPartial({
              metric: 'line_power',
              labels: { site: s.site, line: String(i) },
            }),
          },
          metadata,
          cb,
        ),
      );
      await unary((cb) =>
        client.ingestSamples(
          {
            batches: [
              {
                series: `series/g${i}`,
                unit: '',
                samples: [],
                columns: { times: s.times, values: s.values },
              },
            ],
          },
          metadata,
          cb,
        ),
      );
    }
  });
  test.after(async () => {
    client?.close();
    await app?.close();
    await cleanup?.();
  });

  test('describe: count, sum, mean, std, extremes, first/last and exact percentiles as numpy, over gRPC and REST', async () => {
    const expected = fixture.describe;
    const answer = await grpc<DescribeSeriesResponse>('describeSeries', {
      name: 'series/a',
      percentiles: expected.percentiles,
    });
    assert.is(Number(answer.count), expected.count);
    close(answer.sum, expected.sum, 'sum');
    close(answer.mean, expected.mean, 'mean');
    close(answer.standardDeviation, expected.std, 'std');
    close(answer.min, expected.min, 'min');
    close(answer.max, expected.max, 'max');
    close(answer.firstValue, expected.first, 'first');
    close(answer.lastValue, expected.last, 'last');
    assert.is(answer.firstSampleTime?.getTime(), fixture.times[0]);
    assert.is(answer.lastSampleTime?.getTime(), fixture.times.at(-1));
    assert.equal(
      answer.percentiles.map((p) => p.percentile),
      expected.percentiles,
    );
    allClose(
      answer.percentiles.map((p) => p.value),
      expected.percentileValues,
      'percentiles',
    );

    const json = await rest('/api/v1/series/a:describe', { percentiles: expected.percentiles });
    assert.is(num(json.count), expected.count);
    identical(
      [num(json.mean), num(json.standardDeviation), num(json.sum), num(json.min), num(json.max)],
      [answer.mean, answer.standardDeviation, answer.sum, answer.min, answer.max],
      'REST describe',
    );
    identical(
      (json.percentiles as { value: unknown }[]).map((p) => num(p.value)),
      answer.percentiles.map((p) => p.value),
      'REST percentiles',
    );
    const defaults = await grpc<DescribeSeriesResponse>('describeSeries', { name: 'series/a' });
    assert.equal(
      defaults.percentiles.map((p) => p.percentile),
      [50, 90, 95, 99],
    );
  });

  test('describe from chunk summaries agrees with the full computation, whole range and a range cutting chunks', async () => {
    const cut = {
      startTime: new Date((fixture.times[123] as number) + 1),
      endTime: new Date(fixture.times[2777] as number),
    };
    for (const range of [{}, cut]) {
      const full = await grpc<DescribeSeriesResponse>('describeSeries', { name: 'series/a', ...range });
      const fast = await grpc<DescribeSeriesResponse>('describeSeries', {
        name: 'series/a',
        skipPercentiles: true,
        ...range,
      });
      assert.is(fast.count, full.count);
      assert.is(fast.percentiles.length, 0);
      for (const key of [
        'sum',
        'mean',
        'standardDeviation',
        'min',
        'max',
        'firstValue',
        'lastValue',
      ] as const) {
        close(fast[key], full[key], `skip_percentiles ${key}`);
      }
      assert.equal(fast.firstSampleTime, full.firstSampleTime);
      assert.equal(fast.lastSampleTime, full.lastSampleTime);
    }
    const partial = await grpc<DescribeSeriesResponse>('describeSeries', { name: 'series/a', ...cut });
    assert.is(Number(partial.count), 2777 - 124);
    close(partial.firstValue, fixture.values[124] as number, 'first of the cut range');
  });

  test('resample: every pandas aggregation and a percentile per 1 s bucket as pandas; REST the same', async () => {
    const expected = fixture.resample;
    const request = {
      name: 'series/a',
      interval: { seconds: '1', nanos: 0 },
      aggregations: RESAMPLE_COLUMNS.map(([kind]) => kind),
      percentiles: [90],
    };
    const answer = await grpc<ResampleSeriesResponse>('resampleSeries', request);
    assert.equal(answer.bucketTimes, expected.bucketStarts);
    assert.equal(
      answer.columns.map((c) => c.name),
      [...RESAMPLE_COLUMNS.map(([, name]) => name), 'p90'],
    );
    for (const column of answer.columns)
      allClose(column.values, expected.columns[column.name] as Column, `resample ${column.name}`);
    allClose(answer.counts, expected.columns.count as Column, 'counts');

    const json = await rest('/api/v1/series/a:resample', {
      interval: '1s',
      aggregations: RESAMPLE_COLUMNS.map(([kind]) => Aggregation[kind]),
      percentiles: [90],
    });
    identical(nums(json.bucketTimes), answer.bucketTimes, 'REST bucket times');
    const columns = json.columns as { name: string; values: unknown[] }[];
    assert.is(columns.length, answer.columns.length);
    columns.forEach((column, i) => {
      identical(nums(column.values), answer.columns[i]?.values ?? [], `REST ${column.name}`);
    });
  });

  test('rolling windows by count and by duration, paged, concatenate to pandas rolling(); REST pages the same', async () => {
    const windows = [
      ['count50', { windowSamples: 50 }, { window_samples: 50 }],
      ['duration5s', { windowDuration: { seconds: '5', nanos: 0 } }, { window_duration: '5s' }],
    ] as const;
    const aggregations = [
      Aggregation.AGGREGATION_MEAN,
      Aggregation.AGGREGATION_STD,
      Aggregation.AGGREGATION_MIN,
      Aggregation.AGGREGATION_MAX,
      Aggregation.AGGREGATION_SUM,
      Aggregation.AGGREGATION_COUNT,
    ];
    for (const [label, window, restWindow] of windows) {
      const expected = fixture.rolling[label];
      const times: number[] = [];
      const columns: Record<string, number[]> = {};
      let pageToken = '';
      let pages = 0;
      do {
        const page = await grpc<ComputeRollingWindowResponse>('computeRollingWindow', {
          name: 'series/a',
          ...window,
          aggregations,
          percentiles: [90],
          pageSize: 700,
          pageToken,
        });
        assert.ok(page.times.length <= 700);
        times.push(...page.times);
        for (const column of page.columns) {
          columns[column.name] = [...(columns[column.name] ?? []), ...column.values];
        }
        pageToken = page.nextPageToken;
        pages++;
      } while (pageToken !== '');
      assert.is(pages, Math.ceil(fixture.times.length / 700), `${label} pages`);
      assert.equal(times, fixture.times);
      for (const name of ['mean', 'std', 'min', 'max', 'sum', 'count', 'p90']) {
        allClose(columns[name] ?? [], expected[name] as Column, `${label} ${name}`, 1e-8);
      }
      const first = await grpc<ComputeRollingWindowResponse>('computeRollingWindow', {
        name: 'series/a',
        ...window,
        aggregations,
        pageSize: 700,
      });
      const second = await rest('/api/v1/series/a:rollingWindow', {
        ...restWindow,
        aggregations: aggregations.map((a) => Aggregation[a]),
        page_size: 700,
        page_token: first.nextPageToken,
      });
      identical(nums(second.times), times.slice(700, 1400), `${label} REST page 2 times`);
      const restMean = (second.columns as { name: string; values: unknown[] }[])[0];
      identical(nums(restMean?.values), (columns.mean ?? []).slice(700, 1400), `${label} REST page 2 mean`);
    }
  });

  test('transforms diff, rate, pct change, cumsum and ewm as pandas, paged where history matters', async () => {
    const expected = fixture.transforms;
    const cases: [string, object, Query][] = [
      ['diff', { transform: TransformKind.TRANSFORM_KIND_DIFF }, { transform: 'TRANSFORM_KIND_DIFF' }],
      [
        'diff3',
        { transform: TransformKind.TRANSFORM_KIND_DIFF, periods: 3 },
        { transform: 'TRANSFORM_KIND_DIFF', periods: 3 },
      ],
      ['rate', { transform: TransformKind.TRANSFORM_KIND_RATE }, { transform: 'TRANSFORM_KIND_RATE' }],
      [
        'pctChange',
        { transform: TransformKind.TRANSFORM_KIND_PCT_CHANGE },
        { transform: 'TRANSFORM_KIND_PCT_CHANGE' },
      ],
      ['cumsum', { transform: TransformKind.TRANSFORM_KIND_CUMSUM }, { transform: 'TRANSFORM_KIND_CUMSUM' }],
      [
        'ewmSpan10',
        { transform: TransformKind.TRANSFORM_KIND_EWM_MEAN, ewmSpan: 10 },
        { transform: 'TRANSFORM_KIND_EWM_MEAN', ewm_span: 10 },
      ],
      [
        'ewmAlpha03NotAdjusted',
        { transform: TransformKind.TRANSFORM_KIND_EWM_MEAN, ewmAlpha: 0.3, ewmUnadjusted: true },
        { transform: 'TRANSFORM_KIND_EWM_MEAN', ewm_alpha: 0.3, ewm_unadjusted: true },
      ],
      [
        'ewmHalflife2s',
        { transform: TransformKind.TRANSFORM_KIND_EWM_MEAN, ewmHalfLifeDuration: { seconds: '2', nanos: 0 } },
        { transform: 'TRANSFORM_KIND_EWM_MEAN', ewm_half_life_duration: '2s' },
      ],
    ];
    for (const [label, request, query] of cases) {
      const values: number[] = [];
      let pageToken = '';
      do {
        const page = await grpc<TransformSeriesResponse>('transformSeries', {
          name: 'series/a',
          ...request,
          pageSize: 1100,
          pageToken,
        });
        values.push(...page.values);
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      allClose(values, expected[label] as Column, label, 1e-8);
      const json = await rest('/api/v1/series/a:transform', { ...query, page_size: 100_000 });
      identical(nums(json.values), values, `REST ${label}`);
      assert.is(json.nextPageToken ?? '', '');
    }
  });

  test('anomalies by z-score and by median/MAD over the whole range, and by a trailing window, with bounds', async () => {
    const { zscore, mad, trailing100, values } = fixture.anomalies;
    const whole = [
      [AnomalyMethod.ANOMALY_METHOD_Z_SCORE, zscore, 3],
      [AnomalyMethod.ANOMALY_METHOD_MAD, mad, 3.5],
    ] as const;
    for (const [method, expected, threshold] of whole) {
      const answer = await grpc<DetectAnomaliesResponse>('detectAnomalies', { name: 'series/spiky', method });
      assert.is(Number(answer.evaluatedCount), values.length);
      assert.equal(
        answer.anomalies.map((a) => a.sampleTime?.getTime()),
        expected.indices.map((i) => fixture.times[i]),
      );
      for (const anomaly of answer.anomalies) {
        close(anomaly.expectedValue, expected.center, 'center');
        close(anomaly.upperBound, expected.center + threshold * expected.scale, 'upper bound');
        close(anomaly.lowerBound, expected.center - threshold * expected.scale, 'lower bound');
        close(Math.abs(anomaly.score), Math.abs(anomaly.value - expected.center) / expected.scale, 'score');
        assert.is(Math.sign(anomaly.score), Math.sign(anomaly.value - expected.center));
      }
    }
    const trailing = await grpc<DetectAnomaliesResponse>('detectAnomalies', {
      name: 'series/spiky',
      windowSamples: 100,
    });
    assert.is(Number(trailing.evaluatedCount), values.length - 100);
    assert.equal(
      trailing.anomalies.map((a) => a.sampleTime?.getTime()),
      trailing100.indices.map((i) => fixture.times[i]),
    );
    trailing.anomalies.forEach((anomaly, k) => {
      close(anomaly.expectedValue, trailing100.centers[k] as number, `trailing center ${k}`, 1e-8);
      close(
        anomaly.upperBound - anomaly.expectedValue,
        3 * (trailing100.scales[k] as number),
        `trailing scale ${k}`,
        1e-8,
      );
    });
    const json = await rest('/api/v1/series/spiky:detectAnomalies', {
      method: 'ANOMALY_METHOD_MAD',
      max_anomalies: 2,
    });
    assert.is((json.anomalies as unknown[]).length, 2);
    assert.is(json.truncated, mad.indices.length > 2);
  });

  test('correlation of three series aligned on 1 s buckets, pairwise complete, as pandas corr()', async () => {
    const { matrix, pairs } = fixture.correlation;
    const names = ['series/a', 'series/c1', 'series/c2'];
    const answer = await grpc<CorrelateSeriesResponse>('correlateSeries', {
      series: names,
      interval: { seconds: '1', nanos: 0 },
    });
    assert.equal(answer.series, names);
    allClose(
      answer.rows.flatMap((row) => row.coefficients),
      matrix,
      'matrix',
    );
    assert.equal(
      answer.rows.flatMap((row) => row.pairCounts),
      pairs,
    );
    const json = await rest('/api/v1/series:correlate', { series: names, interval: '1s' });
    identical(
      (json.rows as { coefficients: unknown[] }[]).flatMap((row) => nums(row.coefficients)),
      answer.rows.flatMap((row) => row.coefficients),
      'REST matrix',
    );
  });

  test('histogram with numpy bin rules, a bin count, a value range and explicit edges', async () => {
    const hist = fixture.histogram;
    const rules: [string, HistogramBinRule][] = [
      ['auto', HistogramBinRule.HISTOGRAM_BIN_RULE_AUTO],
      ['fd', HistogramBinRule.HISTOGRAM_BIN_RULE_FD],
      ['sturges', HistogramBinRule.HISTOGRAM_BIN_RULE_STURGES],
      ['sqrt', HistogramBinRule.HISTOGRAM_BIN_RULE_SQRT],
      ['rice', HistogramBinRule.HISTOGRAM_BIN_RULE_RICE],
      ['scott', HistogramBinRule.HISTOGRAM_BIN_RULE_SCOTT],
      ['doane', HistogramBinRule.HISTOGRAM_BIN_RULE_DOANE],
      ['stone', HistogramBinRule.HISTOGRAM_BIN_RULE_STONE],
    ];
    const requests: [string, object][] = [
      ...rules.map(([label, binRule]): [string, object] => [label, { binRule }]),
      ['10', {}],
      ['8_range_15_25', { binCount: 8, rangeMin: 15, rangeMax: 25 }],
      ['edges', { binEdges: hist.edges?.edges }],
    ];
    for (const [label, request] of requests) {
      const expected = hist[label] as StoredFixture['histogram'][string];
      const answer = await grpc<ComputeHistogramResponse>('computeHistogram', {
        name: 'series/a',
        ...request,
      });
      allClose(
        [...answer.bins.map((b) => b.lowerBound), answer.bins.at(-1)?.upperBound ?? Number.NaN],
        expected.edges,
        `${label} edges`,
      );
      assert.equal(
        answer.bins.map((b) => Number(b.count)),
        expected.counts,
        `${label} counts`,
      );
      const binned = expected.counts.reduce((a, b) => a + b, 0);
      assert.is(Number(answer.totalCount), binned);
      assert.is(Number(answer.underflowCount), expected.underflow ?? 0, `${label} underflow`);
      assert.is(Number(answer.overflowCount), expected.overflow ?? 0, `${label} overflow`);
    }
    const json = await rest('/api/v1/series/a:histogram', { bin_rule: 'HISTOGRAM_BIN_RULE_FD' });
    assert.equal(
      (json.bins as { count: unknown }[]).map((b) => num(b.count)),
      hist.fd?.counts,
    );
  });

  test('aggregate across series: one metric grouped by a label, pooled per 1 s bucket, as pandas groupby().resample()', async () => {
    const expected = fixture.group;
    const request = {
      metric: 'line_power',
      labels: {},
      groupBy: ['site'],
      interval: { seconds: '1', nanos: 0 },
      aggregations: RESAMPLE_COLUMNS.map(([kind]) => kind),
      percentiles: [90],
    };
    const answer = await grpc<AggregateSeriesResponse>('aggregateSeries', request);
    assert.equal(answer.bucketTimes, expected.bucketStarts);
    assert.equal(
      answer.groups.map((g) => g.labels),
      [{ site: 'a' }, { site: 'b' }],
    );
    assert.equal(
      answer.groups.map((g) => g.series),
      [
        ['series/g0', 'series/g2'],
        ['series/g1', 'series/g3'],
      ],
    );
    for (const group of answer.groups) {
      const site = group.labels.site as string;
      for (const column of group.columns) {
        allClose(
          column.values,
          expected.groups[site]?.[column.name] as Column,
          `group ${site} ${column.name}`,
        );
      }
    }
    const filtered = await grpc<AggregateSeriesResponse>('aggregateSeries', {
      ...request,
      labels: { site: 'b' },
      groupBy: [],
    });
    assert.is(filtered.groups.length, 1);
    assert.equal(filtered.groups[0]?.series, ['series/g1', 'series/g3']);
    const json = await rest(
      '/api/v1/series:aggregate',
      {},
      {
        metric: 'line_power',
        groupBy: ['site'],
        interval: '1s',
        aggregations: ['AGGREGATION_MEAN'],
      },
    );
    const groups = json.groups as { columns: { values: unknown[] }[] }[];
    identical(
      nums(groups[1]?.columns[0]?.values),
      answer.groups[1]?.columns[0]?.values ?? [],
      'REST group b mean',
    );
    const onlyB = await rest(
      '/api/v1/series:aggregate',
      {},
      { metric: 'line_power', labels: { site: 'b' }, interval: '1s' },
    );
    const single = onlyB.groups as { series: string[]; columns: { values: unknown[] }[] }[];
    assert.equal(
      single.map((g) => g.series),
      [['series/g1', 'series/g3']],
    );
    identical(
      nums(single[0]?.columns[0]?.values),
      filtered.groups[0]?.columns[0]?.values ?? [],
      'REST label-filtered mean',
    );
  });

  test.run();
}
