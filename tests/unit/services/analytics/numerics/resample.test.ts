import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../../../src/platform/errors/index.ts';
import {
  type Aggregation,
  groupAggregate,
  NumericsReason,
  resample,
  type Series,
} from '../../../../../src/services/analytics/numerics/index.ts';
import { column, FIXTURE_TOLERANCE, readFixture } from './fixtures.ts';
import { assertAllClose, expectAppError } from './numerics-assert.ts';

const nan = Number.NaN;
const ALL: Aggregation[] = [
  'mean',
  'min',
  'max',
  'sum',
  'count',
  'first',
  'last',
  'std',
  'var',
  { quantile: 0.9 },
];
const NAMES = ['mean', 'min', 'max', 'sum', 'count', 'first', 'last', 'std', 'var', 'p90'];

function series(times: number[], values: number[]): Series {
  return { times: Float64Array.from(times), values: Float64Array.from(values) };
}

test('buckets are left-closed, right-open, and empty buckets are reported', () => {
  const s = series([0, 999, 1000, 1500, 3000, 3999], [1, 2, 3, nan, 5, 6]);
  const r = resample(s, {
    buckets: { start: 0, end: 4000, width: 1000 },
    aggregations: ['count', 'sum', 'mean', 'first', 'last'],
  });
  assert.equal(Array.from(r.bucketStarts), [0, 1000, 2000, 3000]);
  assert.equal(Array.from(r.counts), [2, 1, 0, 2]);
  assert.equal(Array.from(r.columns[0] as Float64Array), [2, 1, 0, 2]);
  assert.equal(Array.from(r.columns[1] as Float64Array), [3, 3, 0, 11]);
  assert.equal(Array.from(r.columns[2] as Float64Array), [1.5, 3, nan, 5.5]);
  assert.equal(Array.from(r.columns[3] as Float64Array), [1, 3, nan, 5]);
  assert.equal(Array.from(r.columns[4] as Float64Array), [2, 3, nan, 6]);
});

test('OHLC comes from one call, and duplicate timestamps keep input order for first/last', () => {
  const s = series([10, 10, 10, 20, 1010], [5, 9, 1, 4, 7]);
  const r = resample(s, {
    buckets: { start: 0, end: 2000, width: 1000 },
    aggregations: ['first', 'max', 'min', 'last'],
  });
  assert.equal(
    (r.columns as Float64Array[]).map((c) => Array.from(c)),
    [
      [5, 7],
      [9, 7],
      [1, 7],
      [4, 7],
    ],
  );
});

test('samples outside [start, end) are not counted; buckets align to the origin', () => {
  const s = series([0, 1200, 1700, 2600, 3000], [1, 2, 3, 4, 5]);
  const r = resample(s, { buckets: { start: 1500, end: 3000, width: 1000 }, aggregations: ['sum'] });
  assert.equal(Array.from(r.bucketStarts), [1000, 2000]);
  assert.equal(Array.from(r.columns[0] as Float64Array), [3, 4]);
  const shifted = resample(s, {
    buckets: { start: 0, end: 3000, width: 1000, origin: 500 },
    aggregations: ['sum'],
  });
  assert.equal(Array.from(shifted.bucketStarts), [-500, 500, 1500, 2500]);
  assert.equal(Array.from(shifted.columns[0] as Float64Array), [1, 2, 3, 4]);
});

test('an empty series or an empty range gives empty buckets or none', () => {
  const empty = resample(series([], []), {
    buckets: { start: 0, end: 2000, width: 1000 },
    aggregations: ['mean', 'count'],
  });
  assert.equal(Array.from(empty.counts), [0, 0]);
  assert.equal(Array.from(empty.columns[0] as Float64Array), [nan, nan]);
  const none = resample(series([1], [1]), {
    buckets: { start: 5, end: 5, width: 1000 },
    aggregations: ['mean'],
  });
  assert.is(none.bucketStarts.length, 0);
});

test('resample matches pandas resample("1s").agg(...) on the fixture', () => {
  const f = readFixture<{
    times: number[];
    values: (number | null)[];
    width: number;
    bucketStarts: number[];
    columns: Record<string, (number | null)[]>;
  }>('resample');
  const times = column(f.times);
  const r = resample(
    { times, values: column(f.values) },
    {
      buckets: { start: times[0] as number, end: (times.at(-1) as number) + 0.5, width: f.width },
      aggregations: ALL,
    },
  );
  assert.equal(Array.from(r.bucketStarts), f.bucketStarts);
  NAMES.forEach((name, i) => {
    assertAllClose(
      r.columns[i] as Float64Array,
      f.columns[name] as (number | null)[],
      FIXTURE_TOLERANCE,
      name,
    );
  });
});

test('groupAggregate pools each group and matches pandas groupby().resample() on the fixture', () => {
  const f = readFixture<{
    series: { group: string; times: number[]; values: (number | null)[] }[];
    start: number;
    end: number;
    width: number;
    bucketStarts: number[];
    groups: Record<string, Record<string, (number | null)[]>>;
  }>('group');
  const results = groupAggregate(
    f.series.map((s) => ({ group: s.group, series: { times: column(s.times), values: column(s.values) } })),
    { buckets: { start: f.start, end: f.end, width: f.width }, aggregations: ALL },
  );
  assert.equal(
    results.map((r) => [r.group, r.seriesCount]),
    [
      ['a', 2],
      ['b', 2],
    ],
  );
  for (const result of results) {
    assert.equal(Array.from(result.bucketStarts), f.bucketStarts);
    NAMES.forEach((name, i) => {
      const expected = f.groups[result.group]?.[name] as (number | null)[];
      assertAllClose(
        result.columns[i] as Float64Array,
        expected,
        FIXTURE_TOLERANCE,
        `${result.group}.${name}`,
      );
    });
  }
});

test('bad resample options are INVALID_ARGUMENT naming the field; a huge grid is RESOURCE_EXHAUSTED', () => {
  const s = series([0, 1], [1, 2]);
  const buckets = { start: 0, end: 1000, width: 100 };
  const cases: [string, () => unknown, string, string][] = [
    [
      'zero width',
      () => resample(s, { buckets: { ...buckets, width: 0 }, aggregations: ['mean'] }),
      'buckets.width',
      NumericsReason.INVALID_BUCKETS,
    ],
    [
      'NaN start',
      () => resample(s, { buckets: { ...buckets, start: nan }, aggregations: ['mean'] }),
      'buckets.start',
      NumericsReason.INVALID_BUCKETS,
    ],
    [
      'end before start',
      () => resample(s, { buckets: { ...buckets, end: -1 }, aggregations: ['mean'] }),
      'buckets.end',
      NumericsReason.INVALID_BUCKETS,
    ],
    [
      'unknown aggregation',
      () => resample(s, { buckets, aggregations: ['median' as Aggregation] }),
      'aggregations[0]',
      NumericsReason.INVALID_AGGREGATION,
    ],
    [
      'no aggregation',
      () => resample(s, { buckets, aggregations: [] }),
      'aggregations',
      NumericsReason.INVALID_AGGREGATION,
    ],
    [
      'repeated aggregation',
      () => resample(s, { buckets, aggregations: ['sum', 'sum'] }),
      'aggregations[1]',
      NumericsReason.INVALID_AGGREGATION,
    ],
    [
      'quantile 2',
      () => resample(s, { buckets, aggregations: [{ quantile: 2 }] }),
      'aggregations[0].quantile',
      NumericsReason.INVALID_QUANTILE,
    ],
    [
      'unsorted',
      () => resample(series([2, 1], [1, 2]), { buckets, aggregations: ['sum'] }),
      'series.times',
      NumericsReason.SERIES_NOT_SORTED,
    ],
    [
      'NaN time',
      () => resample(series([nan], [1]), { buckets, aggregations: ['sum'] }),
      'series.times',
      NumericsReason.SERIES_NOT_SORTED,
    ],
    [
      'unequal columns',
      () =>
        resample(
          { times: new Float64Array(2), values: new Float64Array(3) },
          { buckets, aggregations: ['sum'] },
        ),
      'series',
      NumericsReason.SERIES_LENGTH_MISMATCH,
    ],
  ];
  for (const [name, run, field, reason] of cases) {
    const error = expectAppError(run, name);
    assert.is(error.code, Code.INVALID_ARGUMENT, name);
    assert.is(error.reason, reason, name);
    assert.is(error.details.fieldViolations?.[0]?.field, field, name);
  }
  const huge = expectAppError(
    () => resample(s, { buckets: { start: 0, end: 1e15, width: 1 }, aggregations: ['mean'] }),
    'huge grid',
  );
  assert.is(huge.code, Code.RESOURCE_EXHAUSTED);
});

test.run();
