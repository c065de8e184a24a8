import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../../../src/platform/errors/index.ts';
import {
  type AnomalyOptions,
  detectAnomalies,
  type Series,
} from '../../../../../src/services/analytics/numerics/index.ts';
import { column, readFixture } from './fixtures.ts';
import { assertClose, expectAppError } from './numerics-assert.ts';

function series(values: number[]): Series {
  return { times: Float64Array.from(values, (_, i) => i * 1000), values: Float64Array.from(values) };
}

test('whole-range z-score and MAD worked by hand, with the bounds they used', () => {
  const s = series([10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 9, 50, Number.NaN]);
  const z = detectAnomalies(s, { method: 'zscore', threshold: 3 });
  assert.equal(Array.from(z.indices), [11]);
  assert.equal(Array.from(z.times), [11_000]);
  assert.equal(Array.from(z.values), [50]);
  // median 10, |x − 10| = [0 ×9, 1, 1, 40] → MAD 0: a constant majority has no robust scale.
  assert.is(detectAnomalies(s, { method: 'mad', threshold: 3.5 }).indices.length, 0);
  const m = detectAnomalies(series([1, 2, 3, 4, 5, 6, 100]), { method: 'mad', threshold: 3.5 });
  // median 4, deviations [3,2,1,0,1,2,96] → MAD 2, scale 2.9652
  assert.equal(Array.from(m.indices), [6]);
  assertClose(m.scores[0] as number, 96 / (2 * 1.4826), 1e-12, 'score');
  assertClose(m.lower[0] as number, 4 - 3.5 * 2 * 1.4826, 1e-12, 'lower');
  assertClose(m.upper[0] as number, 4 + 3.5 * 2 * 1.4826, 1e-12, 'upper');
});

test('a trailing window learns a level shift that a whole-range score keeps flagging', () => {
  const values = Array.from({ length: 400 }, (_, i) => (i < 200 ? 0 : 100) + (i % 5));
  const whole = detectAnomalies(series(values), { method: 'zscore', threshold: 0.9 });
  assert.ok(whole.indices.length > 100);
  for (const method of ['zscore', 'mad'] as const) {
    const trailing = detectAnomalies(series(values), { method, threshold: 4, trailing: { count: 50 } });
    assert.ok(
      trailing.indices.length >= 1 && trailing.indices.length <= 50,
      `${method}: ${trailing.indices.length}`,
    );
    assert.is(trailing.indices[0], 200, method);
  }
});

test('anomalies match z-scores from pandas on the fixture', () => {
  const f = readFixture<{
    values: (number | null)[];
    zscore: { indices: number[] };
    mad: { indices: number[] };
    trailing100: { indices: number[] };
  }>('anomalies');
  const values = column(f.values);
  const s = { times: Float64Array.from(values, (_, i) => i), values };
  assert.equal(Array.from(detectAnomalies(s, { method: 'zscore', threshold: 3 }).indices), f.zscore.indices);
  assert.equal(Array.from(detectAnomalies(s, { method: 'mad', threshold: 3.5 }).indices), f.mad.indices);
  const trailing = detectAnomalies(s, {
    method: 'zscore',
    threshold: 4,
    trailing: { count: 100, minPeriods: 50 },
  });
  assert.equal(Array.from(trailing.indices), f.trailing100.indices);
});

test('the limit truncates and says so', () => {
  const s = series([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9]);
  const r = detectAnomalies(s, { method: 'zscore', threshold: 1, limit: 1 });
  assert.equal(Array.from(r.indices), [18]);
  assert.is(r.truncated, true);
});

test('bad anomaly options are INVALID_ARGUMENT naming the field', () => {
  const s = series([1, 2, 3]);
  const cases: [string, Partial<AnomalyOptions>, string][] = [
    ['unknown method', { method: 'iqr' as AnomalyOptions['method'] }, 'method'],
    ['zero threshold', { threshold: 0 }, 'threshold'],
    ['NaN threshold', { threshold: Number.NaN }, 'threshold'],
    ['one-sample window', { trailing: { count: 1 } }, 'trailing.count'],
    ['minPeriods above the window', { trailing: { count: 5, minPeriods: 6 } }, 'trailing.minPeriods'],
    ['zero limit', { limit: 0 }, 'limit'],
  ];
  for (const [name, change, field] of cases) {
    const error = expectAppError(
      () => detectAnomalies(s, { method: 'zscore', threshold: 3, ...change }),
      name,
    );
    assert.is(error.code, Code.INVALID_ARGUMENT, name);
    assert.is(error.details.fieldViolations?.[0]?.field, field, name);
  }
});

test.run();
