import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AppError,
  Code,
  ERROR_BOUNDS,
  listSome,
  truncateText,
} from '../../../../src/platform/errors/index.ts';

const test = suite('bounded text');

test('text within the bound is kept; longer text is cut with an ellipsis, within the bound', () => {
  assert.is(truncateText('abc', 3), 'abc');
  assert.is(truncateText('abcdef', 4), 'abc…');
  assert.is(truncateText('x'.repeat(10_000)).length, 256);
});

test('a cut never splits a surrogate pair', () => {
  const cut = truncateText(`ab${'😀'.repeat(5)}`, 4);
  assert.is(cut, 'ab…');
  assert.is(cut.charCodeAt(cut.length - 2), 'b'.charCodeAt(0));
});

test('a long list names its first items, then how many more', () => {
  assert.is(listSome(['a', 'b']), 'a, b');
  assert.is(
    listSome(Array.from({ length: 100_000 }, (_, i) => `r${i}`)),
    'r0, r1, r2, r3, r4 and 99995 more',
  );
  assert.ok(listSome(['y'.repeat(10_000)]).length <= 64);
});

test('an AppError never carries more than its bounds, whatever it was given', () => {
  const huge = 'v'.repeat(1_000_000);
  const error = new AppError(Code.INVALID_ARGUMENT, 'INVALID_REQUEST', `bad: ${huge}`, {
    fieldViolations: Array.from({ length: 100_000 }, (_, i) => ({
      field: `f${i}${huge}`,
      description: huge,
    })),
    metadata: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, huge])),
  });
  assert.is(error.message.length, ERROR_BOUNDS.messageChars);
  assert.is(error.details.fieldViolations?.length, ERROR_BOUNDS.maxViolations);
  assert.ok(JSON.stringify(error.details).length < 64 * 1024);
  assert.is(error.details.fieldViolations?.[1]?.field.startsWith('f1v'), true);
});

test('an AppError within its bounds keeps what it was given', () => {
  const details = {
    fieldViolations: [{ field: 'a', description: 'b' }],
    metadata: { m: 'n' },
    retryDelayMs: 5,
  };
  const error = new AppError(Code.RESOURCE_EXHAUSTED, 'R', 'message', details);
  assert.equal(error.details, details);
  assert.is(error.message, 'message');
});

test.run();
