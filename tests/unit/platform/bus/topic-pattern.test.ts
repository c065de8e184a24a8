import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileTopicPattern, escapeTopicPattern } from '../../../../src/platform/bus/index.ts';

// Expected results are Redis's own (stringmatchlen), checked once against PSUBSCRIBE on Redis 7.0.
const cases: [pattern: string, topic: string, matches: boolean][] = [
  ['*', '', true],
  ['*', 'a.b.c', true],
  ['a*', 'a', true],
  ['a*c', 'abbbc', true],
  ['a*c', 'abbbd', false],
  ['a?c', 'abc', true],
  ['a?c', 'ac', false],
  ['[abc]', 'b', true],
  ['[abc]', 'd', false],
  ['[^abc]', 'd', true],
  ['[a-c]x', 'bx', true],
  ['[c-a]x', 'bx', true],
  ['[a-c]x', 'dx', false],
  ['a\\*', 'a*', true],
  ['a\\*', 'ab', false],
  ['a.b', 'axb', false],
  ['a[', 'a[', false],
  ['a[bc', 'ab', true],
  ['[]a', 'a', false],
  ['jobs.?', 'jobs.', false],
  ['(x)+', '(x)+', true],
  ['line*', 'line\nbreak', true],
];

for (const [pattern, topic, matches] of cases) {
  test(`"${pattern}" ${matches ? 'matches' : 'does not match'} "${topic.replace('\n', '\\n')}"`, () => {
    assert.is(compileTopicPattern(pattern)(topic), matches);
  });
}

test('an escaped text matches only itself', () => {
  const text = 'hcs-test:[x]*?\\:';
  assert.ok(compileTopicPattern(escapeTopicPattern(text))(text));
  assert.not.ok(compileTopicPattern(escapeTopicPattern(text))('hcs-test:x-anything\\:'));
  assert.ok(compileTopicPattern(`${escapeTopicPattern(text)}*`)(`${text}devices.1`));
});

test.run();
