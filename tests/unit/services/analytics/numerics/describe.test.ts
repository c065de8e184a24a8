import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../../src/platform/errors/index.ts';
import { describe, NumericsReason } from '../../../../../src/services/analytics/numerics/index.ts';
import { column, FIXTURE_TOLERANCE, readFixture } from './fixtures.ts';
import { assertAllClose, assertClose, expectAppError } from './numerics-assert.ts';

const nan = Number.NaN;

test('describe of hand-worked slices matches the numbers worked out by hand', () => {
  const cases: [string, number[], Record<string, number>, number[]][] = [
    // values, expected scalars, expected p50/p90/p95/p99 (numpy linear interpolation)
    [
      'one to five',
      [3, 1, 5, 2, 4],
      { count: 5, sum: 15, mean: 3, std: Math.sqrt(2.5), min: 1, max: 5, first: 3, last: 4 },
      [3, 4.6, 4.8, 4.96],
    ],
    [
      'a single sample',
      [7],
      { count: 1, sum: 7, mean: 7, std: nan, min: 7, max: 7, first: 7, last: 7 },
      [7, 7, 7, 7],
    ],
    [
      'NaN skipped',
      [nan, 2, nan, 4, nan],
      { count: 2, sum: 6, mean: 3, std: Math.SQRT2, min: 2, max: 4, first: 2, last: 4 },
      [3, 3.8, 3.9, 3.98],
    ],
    [
      'all NaN',
      [nan, nan],
      { count: 0, sum: 0, mean: nan, std: nan, min: nan, max: nan, first: nan, last: nan },
      [nan, nan, nan, nan],
    ],
    [
      'empty',
      [],
      { count: 0, sum: 0, mean: nan, std: nan, min: nan, max: nan, first: nan, last: nan },
      [nan, nan, nan, nan],
    ],
    [
      'duplicates',
      [2, 2, 2, 2],
      { count: 4, sum: 8, mean: 2, std: 0, min: 2, max: 2, first: 2, last: 2 },
      [2, 2, 2, 2],
    ],
    [
      'negative zero and infinities',
      [-1, Infinity, 1],
      { count: 3, sum: Infinity, mean: Infinity, std: nan, min: -1, max: Infinity, first: -1, last: 1 },
      // interpolating towards ∞ is NaN, as in numpy; an exact rank is the value itself
      [1, nan, nan, nan],
    ],
  ];
  for (const [name, values, expected, quantiles] of cases) {
    const d = describe(Float64Array.from(values));
    for (const [key, value] of Object.entries(expected)) {
      assertClose(d[key as keyof typeof d] as number, value, 1e-12, `${name}: ${key}`);
    }
    quantiles.forEach((q, i) => {
      assertClose(d.quantileValues[i] as number, q, 1e-12, `${name}: q${i}`);
    });
  }
});

test('describe matches numpy (nan-skipping, linear quantiles) on the fixture', () => {
  const f = readFixture<
    Record<string, number> & { values: (number | null)[]; quantiles: number[]; quantileValues: number[] }
  >('describe');
  const d = describe(column(f.values), { quantiles: f.quantiles });
  for (const key of ['count', 'sum', 'mean', 'std', 'min', 'max'] as const) {
    assertClose(d[key], f[key] as number, FIXTURE_TOLERANCE, key);
  }
  assertAllClose(d.quantileValues, f.quantileValues, FIXTURE_TOLERANCE, 'quantiles');
});

test('ddof 0 gives the population std numpy reports by default', () => {
  const d = describe(Float64Array.from([1, 2, 3, 4]), { ddof: 0, quantiles: [] });
  assertClose(d.std, Math.sqrt(1.25), 1e-15, 'std');
  assert.is(d.quantileValues.length, 0);
});

test('requested quantiles come back in the order asked, repeated ones included', () => {
  const values = Float64Array.from({ length: 101 }, (_, i) => 100 - i);
  const d = describe(values, { quantiles: [0.99, 0, 0.5, 1, 0.5, 0.255] });
  assert.equal(Array.from(d.quantileValues), [99, 0, 50, 100, 50, 25.5]);
});

test('quantiles of large random input equal those of a full sort', () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (const n of [2, 3, 601, 602, 10_007, 200_000]) {
    const values = Float64Array.from({ length: n }, () => Math.floor(random() * 1000) / 7);
    const quantiles = [0, 0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];
    const d = describe(values, { quantiles });
    const sorted = values.slice().sort();
    quantiles.forEach((q, i) => {
      const h = (n - 1) * q;
      const lo = Math.floor(h);
      const hi = Math.min(lo + 1, n - 1);
      const expected = (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
      assertClose(d.quantileValues[i] as number, expected, 1e-12, `n=${n} q=${q}`);
    });
  }
});

test('describe leaves its input in order and answers from/to slices', () => {
  const values = Float64Array.from([5, 4, 3, 2, 1]);
  const d = describe(values, { from: 1, to: 4 });
  assert.equal(Array.from(values), [5, 4, 3, 2, 1]);
  assert.is(d.count, 3);
  assert.is(d.first, 4);
  assert.is(d.last, 2);
  assert.is(d.quantileValues[0], 3);
});

test('a variance near 1e9 keeps its digits (no catastrophic cancellation)', () => {
  const values = Float64Array.from({ length: 10_000 }, (_, i) => 1e9 + (i % 2 === 0 ? 1 : -1));
  const d = describe(values, { ddof: 0, quantiles: [] });
  assertClose(d.variance, 1, 1e-9, 'variance');
  assertClose(d.mean, 1e9, 1e-15, 'mean');
});

test('bad options are INVALID_ARGUMENT naming the field', () => {
  const values = Float64Array.from([1, 2, 3]);
  const cases: [string, () => unknown, string][] = [
    ['quantile above 1', () => describe(values, { quantiles: [0.5, 1.5] }), 'quantiles[1]'],
    ['NaN quantile', () => describe(values, { quantiles: [nan] }), 'quantiles[0]'],
    ['string quantile', () => describe(values, { quantiles: ['0.5' as unknown as number] }), 'quantiles[0]'],
    ['negative ddof', () => describe(values, { ddof: -1 }), 'ddof'],
    ['fractional from', () => describe(values, { from: 0.5 }), 'from'],
    ['to past the end', () => describe(values, { to: 4 }), 'to'],
  ];
  for (const [name, run, field] of cases) {
    const error = expectAppError(run, name);
    assert.is(error.code, Code.INVALID_ARGUMENT, name);
    assert.equal(error.details.fieldViolations?.[0]?.field, field, name);
  }
  const tooMany = expectAppError(
    () => describe(values, { quantiles: new Array(1001).fill(0.5) }),
    'too many',
  );
  assert.is(tooMany.reason, NumericsReason.INVALID_QUANTILE);
});

test('a result past the memory budget is RESOURCE_EXHAUSTED, not a crash', () => {
  const error = expectAppError(() => describe(new Float64Array(1000), { maxBytes: 1024 }), 'budget');
  assert.ok(error instanceof AppError);
  assert.is(error.code, Code.RESOURCE_EXHAUSTED);
  assert.is(error.reason, NumericsReason.RESULT_TOO_LARGE);
});

test.run();
