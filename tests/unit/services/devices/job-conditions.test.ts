import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComparisonName } from '../../../../src/services/devices/job.entity.ts';
import { conditionHolds } from '../../../../src/services/devices/job-conditions.ts';
import type { StoredValue } from '../../../../src/services/devices/typed-value.ts';

const int = (value: string): StoredValue => ({ type: 'int64', value });
const double = (value: number | string): StoredValue => ({ type: 'double', value });
const text = (value: string): StoredValue => ({ type: 'string', value });
const bool = (value: boolean): StoredValue => ({ type: 'bool', value });

const cases: Array<[string, StoredValue, ComparisonName, StoredValue, boolean]> = [
  ['doubles compare numerically', double(25.5), 'gt', double(25), true],
  ['an equal double is not greater', double(25), 'gt', double(25), false],
  ['an equal double is greater or equal', double(25), 'ge', double(25), true],
  ['int64 and double compare as numbers', int('3'), 'lt', double(3.5), true],
  ['int64 beyond 2^53 compare exactly', int('9007199254740993'), 'gt', int('9007199254740992'), true],
  ['NaN equals nothing', double('NaN'), 'eq', double('NaN'), false],
  ['NaN differs from everything', double('NaN'), 'ne', double(1), true],
  ['strings are equal by their text', text('00001000'), 'eq', text('00001000'), true],
  ['different strings are not equal', text('00001000'), 'ne', text('10000000'), true],
  ['a string is never ordered', text('b'), 'gt', text('a'), false],
  ['booleans compare by value', bool(true), 'eq', bool(true), true],
  ['a bool never equals the string of its value', bool(true), 'eq', text('true'), false],
  ['le holds below', double(-1), 'le', double(0), true],
];

for (const [name, reading, op, value, holds] of cases) {
  test(name, () => {
    assert.is(conditionHolds(reading, op, value), holds);
  });
}

test.run();
