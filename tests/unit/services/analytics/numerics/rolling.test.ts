import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../../../src/platform/errors/index.ts';
import {
  NumericsReason,
  type RollingAggregation,
  type RollingWindow,
  rolling,
  rollingPages,
  type Series,
} from '../../../../../src/services/analytics/numerics/index.ts';
import { column, FIXTURE_TOLERANCE, readFixture } from './fixtures.ts';
import { assertAllClose, expectAppError } from './numerics-assert.ts';

const nan = Number.NaN;
const ALL: RollingAggregation[] = ['mean', 'std', 'min', 'max', 'sum', { quantile: 0.9 }, 'count'];
const NAMES = ['mean', 'std', 'min', 'max', 'sum', 'p90', 'count'];

function series(times: number[], values: number[]): Series {
  return { times: Float64Array.from(times), values: Float64Array.from(values) };
}

test('a count window of 3 worked by hand, NaN counted in the window but not in the statistics', () => {
  const s = series([0, 1, 2, 3, 4], [1, 5, nan, 3, 9]);
  const page = rolling(s, {
    window: { count: 3 },
    aggregations: ['sum', 'min', 'max', 'count'],
    minPeriods: 1,
  });
  assert.equal(
    page.columns.map((c) => Array.from(c)),
    [
      [1, 6, 6, 8, 12],
      [1, 1, 1, 3, 3],
      [1, 5, 5, 5, 9],
      [1, 2, 2, 2, 2],
    ],
  );
  const strict = rolling(s, { window: { count: 3 }, aggregations: ['mean'] });
  assert.equal(Array.from(strict.columns[0] as Float64Array), [nan, nan, nan, nan, nan]);
});

test('a duration window is (t − d, t] and excludes later samples at the same time', () => {
  const s = series([0, 1000, 1000, 2000, 2500], [1, 2, 3, 4, 5]);
  const page = rolling(s, { window: { durationMs: 1000 }, aggregations: ['sum', { quantile: 0.5 }] });
  assert.equal(Array.from(page.columns[0] as Float64Array), [1, 2, 5, 4, 9]);
  assert.equal(Array.from(page.columns[1] as Float64Array), [1, 2, 2.5, 4, 4.5]);
});

const f = readFixture<{
  times: number[];
  values: (number | null)[];
  results: Record<string, Record<string, (number | null)[]>>;
}>('rolling');

const windows: [string, RollingWindow, number | undefined][] = [
  ['count50', { count: 50 }, undefined],
  ['count50min1', { count: 50 }, 1],
  ['duration5s', { durationMs: 5000 }, undefined],
];

for (const [name, window, minPeriods] of windows) {
  test(`rolling ${name} matches pandas rolling(...) on the fixture`, () => {
    const s = { times: column(f.times), values: column(f.values) };
    const page = rolling(s, {
      window,
      aggregations: ALL,
      limit: 100_000,
      ...(minPeriods ? { minPeriods } : {}),
    });
    assert.is(page.nextOffset, undefined);
    NAMES.forEach((stat, i) => {
      const expected = f.results[name]?.[stat] as (number | null)[];
      assertAllClose(page.columns[i] as Float64Array, expected, FIXTURE_TOLERANCE, `${name}.${stat}`);
    });
  });
}

test('pages concatenate to the unpaged result (running sums restart per page: equal to rounding)', () => {
  const s = { times: column(f.times), values: column(f.values) };
  for (const window of [{ count: 50 }, { durationMs: 5000 }]) {
    const whole = rolling(s, { window, aggregations: ALL, limit: 100_000 });
    const pages = [...rollingPages(s, { window, aggregations: ALL, limit: 333 })];
    assert.is(pages.length, Math.ceil(f.times.length / 333));
    assert.equal(
      pages.map((p) => p.offset),
      pages.map((_, i) => i * 333),
    );
    ALL.forEach((_, c) => {
      const joined = pages.flatMap((p) => Array.from(p.columns[c] as Float64Array));
      assertAllClose(joined, Array.from(whole.columns[c] as Float64Array), 1e-12, `column ${c}`);
    });
  }
});

test('count-window mean, sum and count without NaN equal each window summed directly, page by page', () => {
  const n = 5000;
  const times = Float64Array.from({ length: n }, (_, i) => i * 10);
  const values = Float64Array.from({ length: n }, (_, i) => 1e6 + 5 * Math.sin(i / 40) + (i % 7) * 0.01);
  const span = 50;
  const minPeriods = 10;
  const expected: number[][] = [[], [], []];
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = Math.max(0, i - span + 1); j <= i; j++) sum += values[j] as number;
    const count = Math.min(i + 1, span);
    const ready = count >= minPeriods;
    expected[0]?.push(ready ? sum / count : nan);
    expected[1]?.push(ready ? sum : nan);
    expected[2]?.push(ready ? count : nan);
  }
  for (const limit of [7, 333, 2000, 100_000]) {
    const pages = [
      ...rollingPages(
        { times, values },
        { window: { count: span }, aggregations: ['mean', 'sum', 'count'], minPeriods, limit },
      ),
    ];
    expected.forEach((column, c) => {
      const joined = pages.flatMap((p) => Array.from(p.columns[c] as Float64Array));
      assertAllClose(joined, column, 1e-12, `limit ${limit}, column ${c}`);
    });
  }
});

test('an offset at the end gives an empty last page', () => {
  const s = series([0, 1], [1, 2]);
  const page = rolling(s, { window: { count: 1 }, aggregations: ['mean'], offset: 2 });
  assert.is(page.times.length, 0);
  assert.is(page.nextOffset, undefined);
});

test('bad rolling options are INVALID_ARGUMENT naming the field', () => {
  const s = series([0, 1], [1, 2]);
  const cases: [string, () => unknown, string, string][] = [
    [
      'zero count',
      () => rolling(s, { window: { count: 0 }, aggregations: ['mean'] }),
      'window.count',
      NumericsReason.INVALID_WINDOW,
    ],
    [
      'fractional count',
      () => rolling(s, { window: { count: 2.5 }, aggregations: ['mean'] }),
      'window.count',
      NumericsReason.INVALID_WINDOW,
    ],
    [
      'negative duration',
      () => rolling(s, { window: { durationMs: -5 }, aggregations: ['mean'] }),
      'window.durationMs',
      NumericsReason.INVALID_WINDOW,
    ],
    [
      'infinite duration',
      () => rolling(s, { window: { durationMs: Infinity }, aggregations: ['mean'] }),
      'window.durationMs',
      NumericsReason.INVALID_WINDOW,
    ],
    [
      'first is not rolling',
      () => rolling(s, { window: { count: 2 }, aggregations: ['first' as RollingAggregation] }),
      'aggregations[0]',
      NumericsReason.INVALID_AGGREGATION,
    ],
    [
      'offset past the end',
      () => rolling(s, { window: { count: 2 }, aggregations: ['mean'], offset: 3 }),
      'offset',
      NumericsReason.INVALID_PARAMETER,
    ],
    [
      'zero limit',
      () => rolling(s, { window: { count: 2 }, aggregations: ['mean'], limit: 0 }),
      'limit',
      NumericsReason.INVALID_PARAMETER,
    ],
    [
      'huge limit',
      () => rolling(s, { window: { count: 2 }, aggregations: ['mean'], limit: 1e12 }),
      'limit',
      NumericsReason.INVALID_PARAMETER,
    ],
  ];
  for (const [name, run, field, reason] of cases) {
    const error = expectAppError(run, name);
    assert.is(error.code, Code.INVALID_ARGUMENT, name);
    assert.is(error.reason, reason, name);
    assert.is(error.details.fieldViolations?.[0]?.field, field, name);
  }
});

test.run();
