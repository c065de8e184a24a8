import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../../../src/platform/errors/index.ts';
import { correlate, type Series } from '../../../../../src/services/analytics/numerics/index.ts';
import { column, FIXTURE_TOLERANCE, readFixture } from './fixtures.ts';
import { assertAllClose, expectAppError } from './numerics-assert.ts';

function series(times: number[], values: number[]): Series {
  return { times: Float64Array.from(times), values: Float64Array.from(values) };
}

test('series are aligned on bucket means; each pair uses the buckets both have', () => {
  const a = series([0, 500, 1000, 2000, 3000], [1, 3, 4, 6, 8]); // means 2, 4, 6, 8
  const b = series([100, 1100, 2100, 3100], [8, 6, 4, 2]);
  const c = series([0, 1000], [5, 5]); // constant: no correlation
  const r = correlate([a, b, c], { buckets: { start: 0, end: 4000, width: 1000 } });
  assert.is(r.size, 3);
  assertAllClose(
    r.matrix,
    [1, -1, Number.NaN, -1, 1, Number.NaN, Number.NaN, Number.NaN, Number.NaN],
    1e-12,
    'matrix',
  );
  assert.equal(Array.from(r.pairs), [4, 4, 2, 4, 4, 2, 2, 2, 2]);
});

test('correlation matches pandas DataFrame.corr() of the bucket means on the fixture', () => {
  const f = readFixture<{
    series: { times: number[]; values: (number | null)[] }[];
    start: number;
    end: number;
    width: number;
    matrix: (number | null)[];
    pairs: number[];
  }>('correlation');
  const r = correlate(
    f.series.map((s) => ({ times: column(s.times), values: column(s.values) })),
    { buckets: { start: f.start, end: f.end, width: f.width }, minPeriods: 1 },
  );
  assertAllClose(r.matrix, f.matrix, FIXTURE_TOLERANCE, 'matrix');
  assert.equal(Array.from(r.pairs), f.pairs);
});

test('bad correlation input is INVALID_ARGUMENT naming the series', () => {
  const ok = series([0], [1]);
  const buckets = { start: 0, end: 1000, width: 1000 };
  const cases: [string, () => unknown, string][] = [
    ['one series', () => correlate([ok], { buckets }), 'series'],
    ['unsorted second series', () => correlate([ok, series([5, 1], [1, 2])], { buckets }), 'series[1].times'],
    ['zero minPeriods', () => correlate([ok, ok], { buckets, minPeriods: 0 }), 'minPeriods'],
  ];
  for (const [name, run, field] of cases) {
    const error = expectAppError(run, name);
    assert.is(error.code, Code.INVALID_ARGUMENT, name);
    assert.is(error.details.fieldViolations?.[0]?.field, field, name);
  }
});

test.run();
