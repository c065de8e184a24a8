import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import {
  assertPasswordAcceptable,
  createPasswordHasher,
  DEFAULT_SCRYPT_COST,
  MAX_PASSWORD_BYTES,
  type ScryptCost,
} from '../../../../src/services/auth/password-hash.ts';

const cheap: ScryptCost = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };
const hasher = createPasswordHasher({ cost: cheap });
const password = 'correct horse battery staple';

function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

async function rejected(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

test('a hashed password verifies, and a wrong one does not', async () => {
  const stored = await hasher.hash(password);
  const cases: [string, boolean][] = [
    [password, true],
    [`${password}!`, false],
    ['Correct horse battery staple', false],
    ['', false],
  ];
  for (const [attempt, expected] of cases) {
    assert.is(await hasher.verify(attempt, stored), expected, attempt);
  }
});

test('the stored hash names its parameters and holds no trace of the password', async () => {
  const stored = await hasher.hash(password);
  assert.match(stored, /^scrypt\$N=1024,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.not.ok(stored.includes(password));
});

test('the same password hashes differently for each user (random salt)', async () => {
  const [a, b] = await Promise.all([hasher.hash(password), hasher.hash(password)]);
  assert.is.not(a, b);
  assert.ok(await hasher.verify(password, a));
  assert.ok(await hasher.verify(password, b));
});

test('the same characters typed in composed or decomposed Unicode match', async () => {
  const composed = 'caf\u00e9-caf\u00e9-caf\u00e9';
  const decomposed = 'cafe\u0301-cafe\u0301-cafe\u0301';
  const stored = await hasher.hash(composed);
  assert.ok(await hasher.verify(decomposed, stored));
});

test('a hash made with other parameters still verifies (parameters are read from the hash)', async () => {
  const stored = await createPasswordHasher({ cost: { N: 2 ** 11, r: 4, p: 2, keyLength: 48 } }).hash(
    password,
  );
  assert.ok(await hasher.verify(password, stored));
  assert.not.ok(await hasher.verify('another password', stored));
});

test('needsRehash is true exactly when a stored parameter is below the current cost', async () => {
  const stored = await hasher.hash(password);
  const cases: [ScryptCost, boolean][] = [
    [cheap, false],
    [{ ...cheap, N: 2 ** 9 }, false],
    [{ ...cheap, N: 2 ** 11 }, true],
    [{ ...cheap, r: 16 }, true],
    [{ ...cheap, p: 2 }, true],
    [{ ...cheap, keyLength: 64 }, true],
  ];
  for (const [current, expected] of cases) {
    assert.is(createPasswordHasher({ cost: current }).needsRehash(stored), expected, JSON.stringify(current));
  }
});

test('a password longer than the maximum never matches, even its own prefix hash', async () => {
  const long = 'x'.repeat(MAX_PASSWORD_BYTES + 1);
  const stored = await hasher.hash('');
  assert.not.ok(await hasher.verify(long, stored));
});

test('verifyAgainstDummy is always false and costs about one wrong-password verify', async () => {
  // A costlier hash than the other tests', so timer jitter is small next to it.
  const timed = createPasswordHasher({ cost: { ...cheap, N: 2 ** 12 } });
  const stored = await timed.hash(password);
  assert.is(await timed.verifyAgainstDummy(password), false);
  let wrong = 0;
  let unknown = 0;
  for (let i = 0; i < 8; i++) {
    const start = performance.now();
    await timed.verify('wrong password!', stored);
    const middle = performance.now();
    await timed.verifyAgainstDummy('wrong password!');
    wrong += middle - start;
    unknown += performance.now() - middle;
  }
  assert.ok(unknown > wrong / 3 && unknown < wrong * 3, `dummy ${unknown} ms vs wrong ${wrong} ms`);
});

test('an unreadable stored hash is INTERNAL PASSWORD_HASH_MALFORMED, never a plain "no"', async () => {
  const good = await hasher.hash(password);
  const cases = [
    '',
    'plaintext',
    good.replace('scrypt$', 'bcrypt$'),
    good.replace('N=1024', 'N=1000'),
    good.replace('N=1024', 'N=67108864'),
    good.replace('r=8', 'r=0'),
    `${good.split('$').slice(0, 3).join('$')}$AAAA$${good.split('$')[3]}`,
    `${good.split('$').slice(0, 3).join('$')}$${good.split('$')[2]}$AAAA`,
    `${good}$extra`,
  ];
  for (const stored of cases) {
    const error = await rejected(hasher.verify(password, stored));
    assert.is(error.code, Code.INTERNAL, stored);
    assert.is(error.reason, 'PASSWORD_HASH_MALFORMED', stored);
    assert.not.ok(error.message.includes(stored) && stored !== '', 'the message does not echo the hash');
  }
});

test('assertPasswordAcceptable enforces the length rules with a field violation on password', () => {
  const cases: [string, string | undefined][] = [
    ['a'.repeat(11), 'PASSWORD_TOO_SHORT'],
    ['a'.repeat(12), undefined],
    ['\u{1F600}'.repeat(12), undefined],
    ['\u{1F600}'.repeat(11), 'PASSWORD_TOO_SHORT'],
    ['a'.repeat(MAX_PASSWORD_BYTES), undefined],
    ['a'.repeat(MAX_PASSWORD_BYTES + 1), 'PASSWORD_TOO_LONG'],
    ['\u00e9'.repeat(MAX_PASSWORD_BYTES / 2 + 1), 'PASSWORD_TOO_LONG'],
  ];
  for (const [candidate, reason] of cases) {
    const label = `${candidate.slice(0, 8)}… (${candidate.length})`;
    if (reason === undefined) {
      assertPasswordAcceptable(candidate);
      continue;
    }
    const error = caught(() => assertPasswordAcceptable(candidate));
    assert.is(error.code, Code.INVALID_ARGUMENT, label);
    assert.is(error.reason, reason, label);
    assert.is(error.details.fieldViolations?.[0]?.field, 'password', label);
  }
});

test('a cost out of bounds is refused when the hasher is made', () => {
  for (const cost of [
    { ...cheap, N: 1000 },
    { ...cheap, N: 2 ** 21 },
    { ...cheap, r: 0 },
    { ...cheap, keyLength: 8 },
  ]) {
    assert.throws(() => createPasswordHasher({ cost }), RangeError, JSON.stringify(cost));
  }
});

test('the default cost is the documented one', () => {
  assert.equal({ ...DEFAULT_SCRYPT_COST }, { N: 16384, r: 8, p: 1, keyLength: 32 });
});

test.run();
