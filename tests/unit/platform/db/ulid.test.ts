import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createUlid } from '../../../../src/platform/db/index.ts';

const test = suite('createUlid');

test('is 26 Crockford base32 characters', () => {
  assert.match(createUlid(), /^[0-9A-HJKMNP-TV-Z]{26}$/);
});

test('encodes the time so ids sort chronologically', () => {
  assert.is(createUlid(0).slice(0, 10), '0000000000');
  assert.is(createUlid(1469918176385).slice(0, 10), '01ARYZ6S41');
  const ids = [1, 1000, 1_700_000_000_000, 2 ** 48 - 1].map((ms) => createUlid(ms));
  assert.equal([...ids].sort(), ids);
});

test('differs between two ids of the same millisecond', () => {
  assert.is.not(createUlid(5), createUlid(5));
});

test.run();
