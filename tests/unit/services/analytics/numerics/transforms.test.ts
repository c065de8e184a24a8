import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../../../src/platform/errors/index.ts';
import {
  cumsum,
  diff,
  type EwmDecay,
  ewmMean,
  newEwmState,
  pctChange,
  rate,
} from '../../../../../src/services/analytics/numerics/index.ts';
import { column, FIXTURE_TOLERANCE, readFixture } from './fixtures.ts';
import { assertAllClose, expectAppError } from './numerics-assert.ts';

const nan = Number.NaN;
const f64 = (values: number[]) => Float64Array.from(values);

test('diff, pct_change and cumsum worked by hand, NaN handled as pandas', () => {
  const values = f64([1, 3, nan, 6, 0, 2]);
  assertAllClose(diff(values), [nan, 2, nan, nan, -6, 2], 0, 'diff');
  assertAllClose(diff(values, 2), [nan, nan, nan, 3, nan, -4], 0, 'diff 2');
  assertAllClose(pctChange(values), [nan, 2, nan, nan, -1, Infinity], 0, 'pct');
  assertAllClose(cumsum(values), [1, 4, nan, 10, 10, 12], 0, 'cumsum');
  assertAllClose(diff(f64([])), [], 0, 'empty diff');
  assertAllClose(diff(f64([5]), 3), [nan], 0, 'short diff');
});

test('rate is per second, NaN across duplicate timestamps, and counter resets count from zero', () => {
  const series = { times: f64([0, 500, 500, 2500]), values: f64([10, 20, 30, 5]) };
  assertAllClose(rate(series), [nan, 20, nan, -12.5], 0, 'gauge');
  assertAllClose(rate(series, { counter: true }), [nan, 20, nan, 2.5], 0, 'counter');
});

test('ewm worked by hand: alpha 0.5 adjusted and recursive', () => {
  // adjusted: y1 = (0.5·1 + 1·3)/(1.5) = 7/3; recursive: y1 = 0.5·1 + 0.5·3 = 2
  assertAllClose(ewmMean(f64([1, 3]), { decay: { alpha: 0.5 } }), [1, 7 / 3], 1e-15, 'adjusted');
  assertAllClose(ewmMean(f64([1, 3]), { decay: { alpha: 0.5 }, adjust: false }), [1, 2], 1e-15, 'recursive');
  assertAllClose(ewmMean(f64([nan, nan, 4]), { decay: { span: 3 } }), [nan, nan, 4], 0, 'leading NaN');
});

test('transforms match pandas on the fixture', () => {
  const fx = readFixture<Record<string, (number | null)[]>>('transforms');
  const values = column(fx.values as (number | null)[]);
  const times = column(fx.times as (number | null)[]);
  const cases: [string, Float64Array][] = [
    ['diff', diff(values)],
    ['diff3', diff(values, 3)],
    ['pctChange', pctChange(values)],
    ['cumsum', cumsum(values)],
    ['ewmSpan10', ewmMean(values, { decay: { span: 10 } })],
    ['ewmAlpha03NotAdjusted', ewmMean(values, { decay: { alpha: 0.3 }, adjust: false })],
    ['ewmHalflife2s', ewmMean(values, { decay: { halflifeMs: 2000 }, times })],
  ];
  for (const [name, actual] of cases) {
    assertAllClose(actual, fx[name] as (number | null)[], FIXTURE_TOLERANCE, name);
  }
});

test('cumsum and ewm cut into pages with their state carried give exactly the outputs of one call', () => {
  // NaN first, in the middle and across a page edge; uneven times for the time-based decay.
  const values = f64([nan, nan, 4, 1.5, nan, -2, 8, nan, 3.25, 0.1, 7, nan, nan, 5]);
  const times = f64([0, 10, 30, 35, 80, 81, 200, 210, 260, 261, 262, 400, 500, 1000]);
  const decays: [EwmDecay, boolean][] = [
    [{ span: 3 }, true],
    [{ alpha: 0.3 }, false],
    [{ halflifeMs: 50 }, true],
  ];
  for (const cut of [[1], [2, 5], [3, 4, 11], [7], [13]]) {
    const edges = [0, ...cut, values.length];
    const sumState = { sum: 0 };
    const sums: number[] = [];
    for (const [decay, adjust] of decays) {
      const state = newEwmState();
      const paged: number[] = [];
      for (let k = 0; k + 1 < edges.length; k++) {
        const [from, to] = [edges[k] as number, edges[k + 1] as number];
        paged.push(
          ...ewmMean(values.subarray(from, to), { decay, adjust, times: times.subarray(from, to), state }),
        );
      }
      const whole = Array.from(ewmMean(values, { decay, adjust, times }));
      assert.equal(paged.map(String), whole.map(String), `ewm ${JSON.stringify(decay)} cut at ${cut}`);
    }
    for (let k = 0; k + 1 < edges.length; k++) {
      sums.push(...cumsum(values.subarray(edges[k] as number, edges[k + 1] as number), sumState));
    }
    assert.equal(sums.map(String), Array.from(cumsum(values)).map(String), `cumsum cut at ${cut}`);
  }
});

test('bad transform parameters are INVALID_ARGUMENT naming the field', () => {
  const values = f64([1, 2]);
  const cases: [string, () => unknown, string][] = [
    ['zero periods', () => diff(values, 0), 'periods'],
    ['fractional periods', () => pctChange(values, 1.5), 'periods'],
    ['alpha 0', () => ewmMean(values, { decay: { alpha: 0 } }), 'decay.alpha'],
    ['span NaN', () => ewmMean(values, { decay: { span: nan } }), 'decay.span'],
    ['two decays', () => ewmMean(values, { decay: { alpha: 0.5, span: 3 } as unknown as EwmDecay }), 'decay'],
    ['unknown decay', () => ewmMean(values, { decay: { beta: 1 } as unknown as EwmDecay }), 'decay'],
    ['halflifeMs without times', () => ewmMean(values, { decay: { halflifeMs: 10 } }), 'times'],
    ['unsorted rate', () => rate({ times: f64([2, 1]), values }), 'series.times'],
  ];
  for (const [name, run, field] of cases) {
    const error = expectAppError(run, name);
    assert.is(error.code, Code.INVALID_ARGUMENT, name);
    assert.is(error.details.fieldViolations?.[0]?.field, field, name);
  }
});

test.run();
