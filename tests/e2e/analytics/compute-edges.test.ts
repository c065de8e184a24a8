import { type Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Aggregation,
  type AnalyticsServiceClient,
  type ComputeHistogramResponse,
  type ComputeRollingWindowResponse,
  type DescribeSeriesResponse,
  type ResampleSeriesResponse,
  Series as SeriesMessage,
  TransformKind,
  type TransformSeriesResponse,
} from '../../../src/gen/hcs/v1/analytics.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { analyticsClient, failure, unary } from './analytics-client.ts';
import { allClose, type ComputeMethod, callGrpc, callRest, num, nums } from './compute-client.ts';

// Hand-worked cases on a few samples, and the errors a caller can cause, on SQLite.
let app: TestApp;
let client: AnalyticsServiceClient;
let metadata: Metadata;
let token: string;
const T0 = Date.UTC(2026, 0, 1);
const second = { seconds: '1', nanos: 0 };

const grpc = <T>(method: ComputeMethod, request: object) => callGrpc<T>(client, metadata, method, request);

async function ingest(seriesId: string, times: number[], values: number[]) {
  await unary((cb) =>
    client.ingestSamples(
      { batches: [{ series: `series/${seriesId}`, unit: '', samples: [], columns: { times, values } }] },
      metadata,
      cb,
    ),
  );
}

test.before(async () => {
  app = await startTestApp();
  token = await app.adminToken();
  ({ client, metadata } = analyticsClient(app.grpcTarget, token));
  for (const id of ['small', 'one', 'none']) {
    await unary((cb) =>
      client.createSeries(
        { seriesId: id, series: SeriesMessage.fromPartial({ metric: 'edge', labels: { id } }) },
        metadata,
        cb,
      ),
    );
  }
  // Out of order, with a duplicate instant: the later write (3) replaces the earlier (99).
  await ingest('small', [T0 + 1000, T0], [99, 1]);
  await ingest('small', [T0 + 2500, T0 + 500, T0 + 1000], [10, 2, 3]);
  await ingest('one', [T0 + 42], [7.5]);
});

test.after(async () => {
  client?.close();
  await app?.close();
});

test('describe of out-of-order samples with a replaced duplicate: 1, 2, 3, 10 worked by hand', async () => {
  const d = await grpc<DescribeSeriesResponse>('describeSeries', {
    name: 'series/small',
    percentiles: [50, 90, 0, 100],
  });
  assert.is(d.count, '4');
  assert.is(d.sum, 16);
  assert.is(d.mean, 4);
  allClose([d.standardDeviation], [Math.sqrt(50 / 3)], 'std');
  assert.equal([d.min, d.max, d.firstValue, d.lastValue], [1, 10, 1, 10]);
  allClose(
    d.percentiles.map((p) => p.value),
    [2.5, 7.9, 1, 10],
    'percentiles',
  );
  assert.is(d.firstSampleTime?.getTime(), T0);
  assert.is(d.lastSampleTime?.getTime(), T0 + 2500);
});

test('one sample: std NaN (written "NaN" over REST), every percentile the sample', async () => {
  const d = await grpc<DescribeSeriesResponse>('describeSeries', { name: 'series/one' });
  assert.is(d.count, '1');
  assert.is(d.mean, 7.5);
  assert.ok(Number.isNaN(d.standardDeviation));
  assert.equal(
    d.percentiles.map((p) => p.value),
    [7.5, 7.5, 7.5, 7.5],
  );
  const json = await callRest(app.httpBase, token, '/api/v1/series/one:describe');
  assert.is(json.status, 200);
  assert.is(json.body.standardDeviation, 'NaN');
  assert.is(json.body.mean, 7.5);
});

test('an empty range: count 0, sum 0, everything else NaN and no times, with or without percentiles', async () => {
  for (const request of [
    { name: 'series/none' },
    { name: 'series/small', startTime: new Date(T0 + 3000), endTime: new Date(T0 + 4000) },
    {
      name: 'series/small',
      startTime: new Date(T0 + 3000),
      endTime: new Date(T0 + 4000),
      skipPercentiles: true,
    },
  ]) {
    const d = await grpc<DescribeSeriesResponse>('describeSeries', request);
    assert.is(d.count, '0');
    assert.is(d.sum, 0);
    for (const value of [d.mean, d.standardDeviation, d.min, d.max, d.firstValue, d.lastValue])
      assert.ok(Number.isNaN(value));
    assert.ok(d.percentiles.every((p) => Number.isNaN(p.value)));
    assert.is(d.firstSampleTime, undefined);
  }
});

test('resample: a sample on a bucket edge opens that bucket; empty buckets are reported; OHLC in one call', async () => {
  const half = await grpc<ResampleSeriesResponse>('resampleSeries', {
    name: 'series/small',
    interval: { seconds: '0', nanos: 500_000_000 },
    aggregations: [Aggregation.AGGREGATION_MEAN, Aggregation.AGGREGATION_SUM, Aggregation.AGGREGATION_COUNT],
  });
  assert.equal(
    half.bucketTimes,
    [0, 500, 1000, 1500, 2000, 2500].map((t) => T0 + t),
  );
  assert.equal(half.counts, [1, 1, 1, 0, 0, 1]);
  allClose(half.columns[0]?.values ?? [], [1, 2, 3, null, null, 10], 'mean');
  assert.equal(half.columns[1]?.values, [1, 2, 3, 0, 0, 10]);
  const ohlc = await grpc<ResampleSeriesResponse>('resampleSeries', {
    name: 'series/small',
    interval: second,
    aggregations: [
      Aggregation.AGGREGATION_FIRST,
      Aggregation.AGGREGATION_MAX,
      Aggregation.AGGREGATION_MIN,
      Aggregation.AGGREGATION_LAST,
    ],
    startTime: new Date(T0 - 1000),
    endTime: new Date(T0 + 4000),
  });
  assert.equal(
    ohlc.bucketTimes,
    [-1000, 0, 1000, 2000, 3000].map((t) => T0 + t),
  );
  assert.equal(
    ohlc.columns.map((c) => c.name),
    ['first', 'max', 'min', 'last'],
  );
  allClose(
    ohlc.columns.flatMap((c) => c.values.slice(1, 4)),
    [1, 3, 10, 2, 3, 10, 1, 3, 10, 2, 3, 10],
    'ohlc',
  );
  assert.ok(ohlc.columns.every((c) => Number.isNaN(c.values[0]) && Number.isNaN(c.values[4])));
  const json = await callRest(app.httpBase, token, '/api/v1/series/small:resample', { interval: '0.5s' });
  assert.equal(nums((json.body.columns as { values: unknown[] }[])[0]?.values).map(String), [
    '1',
    '2',
    '3',
    'NaN',
    'NaN',
    '10',
  ]);
});

test('rolling by count and by duration, worked by hand; min_periods decides the leading NaN', async () => {
  const cases: [object, (number | null)[]][] = [
    [{ windowSamples: 2 }, [null, 1.5, 2.5, 6.5]],
    [{ windowSamples: 2, minPeriods: 1 }, [1, 1.5, 2.5, 6.5]],
    [{ windowDuration: second }, [1, 1.5, 2.5, 10]],
  ];
  for (const [window, expected] of cases) {
    const page = await grpc<ComputeRollingWindowResponse>('computeRollingWindow', {
      name: 'series/small',
      ...window,
    });
    assert.equal(
      page.times,
      [0, 500, 1000, 2500].map((t) => T0 + t),
    );
    allClose(page.columns[0]?.values ?? [], expected, JSON.stringify(window));
    assert.is(page.nextPageToken, '');
  }
});

test('transforms diff, rate and cumsum, worked by hand', async () => {
  const cases: [TransformKind, (number | null)[]][] = [
    [TransformKind.TRANSFORM_KIND_DIFF, [null, 1, 1, 7]],
    [TransformKind.TRANSFORM_KIND_RATE, [null, 2, 2, 7 / 1.5]],
    [TransformKind.TRANSFORM_KIND_CUMSUM, [1, 3, 6, 16]],
  ];
  for (const [transform, expected] of cases) {
    const page = await grpc<TransformSeriesResponse>('transformSeries', {
      name: 'series/small',
      transform,
      pageSize: 3,
    });
    const rest = await grpc<TransformSeriesResponse>('transformSeries', {
      name: 'series/small',
      transform,
      pageToken: page.nextPageToken,
    });
    allClose([...page.values, ...rest.values], expected, TransformKind[transform]);
  }
});

test('histogram of 3 equal bins over [1, 10]: the last bin includes its upper edge', async () => {
  const h = await grpc<ComputeHistogramResponse>('computeHistogram', { name: 'series/small', binCount: 3 });
  assert.equal(
    h.bins.map((b) => [b.lowerBound, b.upperBound, b.count]),
    [
      [1, 4, '3'],
      [4, 7, '0'],
      [7, 10, '1'],
    ],
  );
});

async function refused(method: ComputeMethod, request: object): Promise<ServiceError> {
  return failure(grpc(method, request));
}

test('a page token resumes only the request that issued it; page_size alone may change', async () => {
  const request = { name: 'series/small', windowSamples: 2, aggregations: [Aggregation.AGGREGATION_MEAN] };
  const first = await grpc<ComputeRollingWindowResponse>('computeRollingWindow', { ...request, pageSize: 2 });
  assert.ok(first.nextPageToken !== '');
  const next = await grpc<ComputeRollingWindowResponse>('computeRollingWindow', {
    ...request,
    pageSize: 1,
    pageToken: first.nextPageToken,
  });
  assert.equal(nums(next.times), [T0 + 1000]);
  const replays: [ComputeMethod, object][] = [
    ['computeRollingWindow', { ...request, windowSamples: 3 }],
    ['computeRollingWindow', { ...request, aggregations: [Aggregation.AGGREGATION_MAX] }],
    ['computeRollingWindow', { ...request, startTime: new Date(T0 + 1) }],
    ['computeRollingWindow', { ...request, name: 'series/one' }],
    ['transformSeries', { name: 'series/small', transform: TransformKind.TRANSFORM_KIND_DIFF }],
  ];
  for (const [method, other] of replays) {
    const error = await refused(method, { ...other, pageToken: first.nextPageToken });
    assert.is(error.code, status.INVALID_ARGUMENT, JSON.stringify(other));
    assert.match(error.details, 'page_token was issued for a request with other parameters');
  }
});

test('a running transform resumes from the state its token carries; a token whose state is cut is refused', async () => {
  const request = { name: 'series/small', transform: TransformKind.TRANSFORM_KIND_CUMSUM };
  const values: number[] = [];
  let pageToken = '';
  do {
    const page = await grpc<TransformSeriesResponse>('transformSeries', {
      ...request,
      pageSize: 1,
      pageToken,
    });
    values.push(...page.values);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  allClose(values, [1, 3, 6, 16], 'cumsum one sample a page');

  const first = await grpc<TransformSeriesResponse>('transformSeries', { ...request, pageSize: 2 });
  const text = Buffer.from(first.nextPageToken, 'base64url').toString('utf8');
  assert.match(text, /^o2:\d+:[\w-]{16}:[\w-]+$/);
  const cut = Buffer.from(text.slice(0, -1), 'utf8').toString('base64url');
  // Two numbers where a sum carries one: well formed, but not what this transform left.
  const twoNumbers = Buffer.from(`${text}${Buffer.alloc(8).toString('base64url')}`, 'utf8').toString(
    'base64url',
  );
  for (const pageToken of [cut, twoNumbers]) {
    const error = await refused('transformSeries', { ...request, pageToken });
    assert.is(error.code, status.INVALID_ARGUMENT, pageToken);
    assert.match(error.details, 'page_token is not one this server issued');
  }
});

test('bad arguments are INVALID_ARGUMENT naming the field; an unknown series is NOT_FOUND', async () => {
  const cases: [ComputeMethod, object, string][] = [
    ['resampleSeries', { name: 'series/small', interval: { seconds: '0', nanos: 0 } }, 'interval'],
    ['resampleSeries', { name: 'series/small', interval: { seconds: '-5', nanos: 0 } }, 'interval'],
    ['resampleSeries', { name: 'series/small' }, 'interval'],
    [
      'resampleSeries',
      {
        name: 'series/small',
        interval: second,
        aggregations: [Aggregation.AGGREGATION_MEDIAN],
        percentiles: [50],
      },
      'percentiles[0]',
    ],
    ['describeSeries', { name: 'series/small', percentiles: [101] }, 'percentiles[0]'],
    ['describeSeries', { name: 'series/small', percentiles: [Number.NaN] }, 'percentiles[0]'],
    [
      'describeSeries',
      { name: 'series/small', startTime: new Date(T0 + 5), endTime: new Date(T0) },
      'end_time',
    ],
    ['describeSeries', { name: 'small' }, 'name'],
    ['computeRollingWindow', { name: 'series/small', windowSamples: 100_001 }, 'window_samples'],
    ['computeRollingWindow', { name: 'series/small', windowSamples: 0 }, 'window_samples'],
    ['computeRollingWindow', { name: 'series/small' }, 'window'],
    ['computeRollingWindow', { name: 'series/small', windowSamples: 5, minPeriods: 6 }, 'min_periods'],
    [
      'computeRollingWindow',
      { name: 'series/small', windowSamples: 5, aggregations: [Aggregation.AGGREGATION_FIRST] },
      'aggregations[0]',
    ],
    ['computeRollingWindow', { name: 'series/small', windowSamples: 5, pageToken: 'garbage' }, 'page_token'],
    ['transformSeries', { name: 'series/small' }, 'transform'],
    ['transformSeries', { name: 'series/small', transform: TransformKind.TRANSFORM_KIND_EWM_MEAN }, 'decay'],
    [
      'transformSeries',
      { name: 'series/small', transform: TransformKind.TRANSFORM_KIND_EWM_MEAN, ewmAlpha: 1.5 },
      'ewm_alpha',
    ],
    ['detectAnomalies', { name: 'series/small', windowSamples: 1 }, 'window_samples'],
    ['detectAnomalies', { name: 'series/small', threshold: -1 }, 'threshold'],
    ['correlateSeries', { series: ['series/small'], interval: second }, 'series'],
    ['correlateSeries', { series: ['series/small', 'series/small'], interval: second }, 'series[1]'],
    ['computeHistogram', { name: 'series/small', binCount: 3, binEdges: [0, 1] }, 'bin_count'],
    ['computeHistogram', { name: 'series/small', binEdges: [2, 1] }, 'bin_edges[1]'],
    ['computeHistogram', { name: 'series/small', rangeMin: 5, rangeMax: 1 }, 'range_max'],
    ['aggregateSeries', { interval: second }, 'metric'],
    ['aggregateSeries', { metric: 'edge', interval: second, groupBy: ['id', 'id'] }, 'group_by[1]'],
  ];
  for (const [method, request, field] of cases) {
    const error = await refused(method, request);
    assert.is(error.code, status.INVALID_ARGUMENT, `${method} ${JSON.stringify(request)}: ${error.details}`);
    assert.ok(error.details.includes(field), `${method}: "${error.details}" names ${field}`);
  }
  for (const [method, request] of [
    ['describeSeries', { name: 'series/nope' }],
    ['correlateSeries', { series: ['series/small', 'series/nope'], interval: second }],
  ] as const) {
    assert.is((await refused(method, request)).code, status.NOT_FOUND, method);
  }
  const rest = await callRest(app.httpBase, token, '/api/v1/series/nope:describe');
  assert.is(rest.status, 404);
  const bad = await callRest(app.httpBase, token, '/api/v1/series/small:resample', { interval: '0s' });
  assert.is(bad.status, 400);
});

test('a result larger than one answer may carry is RESOURCE_EXHAUSTED, asking for wider buckets', async () => {
  const error = await refused('resampleSeries', {
    name: 'series/small',
    interval: { seconds: '0', nanos: 1_000_000 },
    startTime: new Date(T0),
    endTime: new Date(T0 + 86_400_000),
  });
  assert.is(error.code, status.RESOURCE_EXHAUSTED);
  assert.match(error.details, /widen the interval/);
  const ok = await grpc<ResampleSeriesResponse>('resampleSeries', {
    name: 'series/small',
    interval: { seconds: '0', nanos: 1_000_000 },
  });
  assert.is(ok.bucketTimes.length, 2501);
  assert.is(num(ok.counts.reduce((a, b) => a + b, 0)), 4);
});

test.run();
