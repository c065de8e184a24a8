import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import { parseRequestTarget } from '../../../../src/transport/gateway/request-target.ts';

// Every target is read exactly as new URL(target, base) reads it: the hand-split fast path must
// never disagree with the WHATWG parser on normalisation, escaping or the query.
const targets = [
  '/',
  '/api/v1/auth/whoami',
  '/api/v1/devices?page_size=2&filter=labels.line%3D%22a%22',
  '/api/v1/devices?a=1&a=2&b=x+y&c=%E2%9C%93',
  '/api/v1/devices?',
  '/api/v1/devices/press-1:execute',
  '/api/v1/devices/a%2Fb',
  '/api/v1/devices/%zz',
  '/api/v1/../../etc/passwd',
  '/docs/./index.html',
  '/docs/%2e%2e/secret',
  '/.well-known/jwks.json',
  '//evil.example/api/v1/x',
  '/api\\v1\\x',
  '/api/v1/x#fragment',
  '/api/v1/x?q=1#fragment',
  '/api/v1/x?q=a b',
  '/api/v1/x y',
  '/api/v1/{name}',
  '/api/v1/ünïcode?ü=ü',
  '/api/v1/x?q=%',
  '/api/v1/x?q=1&&&=&x',
  '/a//b/',
  "/api/v1/x?q='quoted'&r=(1)",
];

for (const target of targets) {
  test(`reads ${JSON.stringify(target)} as URL does`, () => {
    const expected = new URL(target, 'http://localhost');
    const actual = parseRequestTarget(target);
    assert.is(actual.pathname, expected.pathname);
    assert.is(actual.search === '', expected.search === '', 'whether there is a query');
    assert.equal([...actual.searchParams], [...expected.searchParams]);
  });
}

test('agrees with URL on random targets built from the characters that matter', () => {
  const alphabet = [
    '/',
    '.',
    '..',
    '%',
    '%2e',
    '%2F',
    '?',
    '#',
    '&',
    '=',
    '+',
    ' ',
    '\\',
    'a',
    'Z',
    '9',
    '-',
    "'",
    '~',
    'ü',
    '{',
  ];
  let seed = 7;
  let refused = 0;
  const pick = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return alphabet[seed % alphabet.length] as string;
  };
  for (let i = 0; i < 20_000; i += 1) {
    let target = '/';
    for (let length = 0; length < 1 + (i % 12); length += 1) target += pick();
    let expected: URL;
    try {
      expected = new URL(target, 'http://localhost');
    } catch {
      assert.throws(
        () => parseRequestTarget(target),
        (error: unknown) => error instanceof AppError,
        target,
      );
      refused += 1;
      continue;
    }
    const actual = parseRequestTarget(target);
    assert.is(actual.pathname, expected.pathname, target);
    assert.is(actual.search === '', expected.search === '', target);
    assert.equal([...actual.searchParams], [...expected.searchParams], target);
  }
  assert.ok(refused > 0 && refused < 2000, `${refused} targets URL cannot read`);
});

test('a target URL cannot read is INVALID_ARGUMENT', () => {
  try {
    parseRequestTarget('//%');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, AppError);
    assert.is((error as AppError).code, Code.INVALID_ARGUMENT);
  }
});

test.run();
