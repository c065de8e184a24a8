import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../../../src/platform/errors/index.ts';
import {
  isSortedByTime,
  mergeSeries,
  NumericsReason,
  sortByTime,
} from '../../../../../src/services/analytics/numerics/index.ts';
import { expectAppError } from './numerics-assert.ts';

const f64 = (values: number[]) => Float64Array.from(values);

test('sortByTime sorts a copy stably: equal times keep their input order', () => {
  const input = { times: f64([3, 1, 2, 1, 3]), values: f64([30, 10, 20, 11, 31]) };
  const sorted = sortByTime(input);
  assert.equal(Array.from(sorted.times), [1, 1, 2, 3, 3]);
  assert.equal(Array.from(sorted.values), [10, 11, 20, 30, 31]);
  assert.equal(Array.from(input.times), [3, 1, 2, 1, 3], 'input untouched');
  const already = sortByTime({ times: f64([1, 2]), values: f64([5, 6]) });
  assert.equal(Array.from(already.values), [5, 6]);
});

test('sortByTime refuses NaN or infinite times and unequal columns', () => {
  const nanTime = expectAppError(
    () => sortByTime({ times: f64([1, Number.NaN]), values: f64([1, 2]) }),
    'NaN',
  );
  assert.is(nanTime.code, Code.INVALID_ARGUMENT);
  assert.is(nanTime.details.fieldViolations?.[0]?.field, 'series.times[1]');
  const unequal = expectAppError(() => sortByTime({ times: f64([1]), values: f64([1, 2]) }), 'lengths');
  assert.is(unequal.reason, NumericsReason.SERIES_LENGTH_MISMATCH);
});

test('isSortedByTime accepts ties and rejects a step back or a non-finite time', () => {
  const cases: [number[], boolean][] = [
    [[], true],
    [[1], true],
    [[1, 1, 2], true],
    [[2, 1], false],
    [[1, Number.NaN], false],
    [[1, Infinity], false],
    [[1, Number.NaN, 2], false],
    [[Number.NaN, 1], false],
    [[-Infinity, 1], false],
    [[Infinity], false],
  ];
  for (const [times, expected] of cases) assert.is(isSortedByTime(f64(times)), expected, String(times));
});

test('mergeSeries interleaves by time, earlier series first on a tie', () => {
  const merged = mergeSeries([
    { times: f64([1, 3, 5]), values: f64([10, 30, 50]) },
    { times: f64([1, 2, 6]), values: f64([11, 20, 60]) },
    { times: f64([4]), values: f64([40]) },
  ]);
  assert.equal(Array.from(merged.times), [1, 1, 2, 3, 4, 5, 6]);
  assert.equal(Array.from(merged.values), [10, 11, 20, 30, 40, 50, 60]);
  assert.is(mergeSeries([]).times.length, 0);
});

test.run();
