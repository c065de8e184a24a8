import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import { readFilterRestrictions } from '../../../../src/services/common/index.ts';

function refusal(filter: string, maxLength = 2048): AppError {
  try {
    readFilterRestrictions(filter, maxLength);
  } catch (error) {
    assert.instance(error, AppError);
    return error as AppError;
  }
  throw new Error(`"${filter}" was read, not refused`);
}

test('an empty or blank filter has no restriction', () => {
  assert.equal(readFilterRestrictions('', 10), []);
  assert.equal(readFilterRestrictions('   ', 10), []);
});

test('restrictions joined by AND, bare and quoted values, both operators, label fields', () => {
  assert.equal(
    readFilterRestrictions(
      'service = "billing api" AND tags:edge AND labels.room=lab-1 AND name = settings/*',
      2048,
    ),
    [
      { field: 'service', operator: '=', value: 'billing api' },
      { field: 'tags', operator: ':', value: 'edge' },
      { field: 'labels.room', operator: '=', value: 'lab-1' },
      { field: 'name', operator: '=', value: 'settings/*' },
    ],
  );
});

test('a quoted value keeps escaped quotes and backslashes and may hold AND', () => {
  assert.equal(readFilterRestrictions(String.raw`zone = "a \"b\" \\ AND c"`, 2048), [
    { field: 'zone', operator: '=', value: String.raw`a "b" \ AND c` },
  ]);
});

test('anything but a conjunction of restrictions is INVALID_ARGUMENT naming filter', () => {
  for (const filter of [
    'service = a OR service = b',
    'NOT service = a',
    'service = a AND',
    'service != a',
    'service = a and zone = b',
    "service = 'x'",
    'service = "unterminated',
    '(service = a)',
    'service = a; DROP TABLE instances',
  ]) {
    const error = refusal(filter);
    assert.is(error.code, Code.INVALID_ARGUMENT, filter);
    assert.is(error.reason, 'INVALID_LIST_OPTION', filter);
    assert.equal(
      error.details.fieldViolations?.map((violation) => violation.field),
      ['filter'],
      filter,
    );
  }
});

test('a filter longer than the limit is refused before it is read', () => {
  const error = refusal(`service = ${'a'.repeat(30)}`, 20);
  assert.match(error.message, 'longer than 20 characters');
});

test.run();
