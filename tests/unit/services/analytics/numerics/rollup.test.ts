import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  describe,
  EMPTY_ROLLUP,
  mergeAllRollups,
  mergeRollups,
  rollupOf,
  rollupStd,
  rollupVariance,
  type Series,
} from '../../../../../src/services/analytics/numerics/index.ts';
import { assertClose } from './numerics-assert.ts';

const nan = Number.NaN;

function series(values: number[], start = 0): Series {
  return { times: Float64Array.from(values, (_, i) => start + i * 1000), values: Float64Array.from(values) };
}

test('a rollup of a slice holds count, sum, mean, m2, extremes and first/last with their times', () => {
  const r = rollupOf(series([nan, 4, 2, nan, 6, nan]));
  assert.equal(
    { ...r },
    { count: 3, sum: 12, mean: 4, m2: 8, min: 2, max: 6, first: 4, firstTime: 1000, last: 6, lastTime: 4000 },
  );
  assert.is(rollupVariance(r), 4);
  assert.is(rollupStd(r, 0), Math.sqrt(8 / 3));
});

test('the rollup of nothing (or of NaN only) is the identity of merge', () => {
  for (const empty of [rollupOf(series([])), rollupOf(series([nan, nan]))]) {
    assert.is(empty.count, 0);
    assert.is(empty.sum, 0);
    assert.ok(Number.isNaN(empty.mean) && Number.isNaN(empty.min) && Number.isNaN(empty.first));
    const r = rollupOf(series([1, 2, 3]));
    assert.equal(mergeRollups(empty, r), r);
    assert.equal(mergeRollups(r, empty), r);
  }
  assert.is(mergeAllRollups([]).count, 0);
  assert.ok(Number.isNaN(rollupVariance(EMPTY_ROLLUP)));
});

test('merged rollups of chunks answer like the rollup of all their samples', () => {
  const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 50 + (i % 7));
  const whole = rollupOf(series(values));
  for (const chunk of [1, 7, 100, 999]) {
    const parts = [];
    for (let from = 0; from < values.length; from += chunk) {
      parts.push(rollupOf(series(values.slice(from, from + chunk), from * 1000)));
    }
    const merged = mergeAllRollups(parts);
    assert.is(merged.count, whole.count);
    assertClose(merged.sum, whole.sum, 1e-12, `sum, chunks of ${chunk}`);
    assertClose(merged.mean, whole.mean, 1e-12, `mean, chunks of ${chunk}`);
    assertClose(rollupVariance(merged), rollupVariance(whole), 1e-12, `variance, chunks of ${chunk}`);
    assert.is(merged.min, whole.min);
    assert.is(merged.max, whole.max);
    assert.is(merged.first, values[0]);
    assert.is(merged.last, values[999]);
    assert.is(merged.lastTime, 999_000);
  }
});

test('merging keeps first as the earliest and last as the latest, whatever the order', () => {
  const early = rollupOf(series([1, 2], 0));
  const late = rollupOf(series([3, 4], 10_000));
  for (const merged of [mergeRollups(early, late), mergeRollups(late, early)]) {
    assert.is(merged.first, 1);
    assert.is(merged.firstTime, 0);
    assert.is(merged.last, 4);
    assert.is(merged.lastTime, 11_000);
  }
});

test('variance of values around 1e9 survives merging where a sum of squares loses it all', () => {
  // 1e9 ± small noise: the true population variance is known exactly.
  const n = 100_000;
  const values = Array.from({ length: n }, (_, i) => 1e9 + (i % 4) - 1.5); // deviations ±0.5, ±1.5
  const exact = (0.25 + 2.25) / 2;
  const parts = [];
  for (let from = 0; from < n; from += 977) parts.push(rollupOf(series(values.slice(from, from + 977))));
  const merged = mergeAllRollups(parts);
  assertClose(rollupVariance(merged, 0), exact, 1e-9, 'merged variance');
  assertClose(
    describe(Float64Array.from(values), { ddof: 0, quantiles: [] }).variance,
    exact,
    1e-9,
    'describe',
  );

  // The textbook formula from (count, sum, sum of squares) is off by orders of magnitude.
  let sum = 0;
  let sumSquares = 0;
  for (const v of values) {
    sum += v;
    sumSquares += v * v;
  }
  const naive = sumSquares / n - (sum / n) ** 2;
  assert.ok(Math.abs(naive - exact) > 1, `the naive variance ${naive} should be far from ${exact}`);
});

test.run();
