import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createVerifiedTokenCache } from '../../../../src/services/auth/verified-token-cache.ts';

function setup(maxEntries = 3) {
  const clock = { now: 1000 };
  const cache = createVerifiedTokenCache<string>({ maxEntries, now: () => clock.now });
  return { clock, cache };
}

test('keeps at most maxEntries tokens, evicting one not used since it was stored', () => {
  const { cache } = setup();
  for (const token of ['a', 'b', 'c']) cache.set(token, `jti-${token}`, 5000, token);
  cache.get('a'); // now b is the least recently used
  cache.set('d', 'jti-d', 5000, 'd');
  assert.is(cache.size, 3);
  assert.equal(
    ['a', 'b', 'c', 'd'].map((token) => cache.get(token)),
    ['a', undefined, 'c', 'd'],
  );
});

test('when every entry was used, each is spared once and the oldest goes', () => {
  const { cache } = setup();
  for (const token of ['a', 'b', 'c']) cache.set(token, `jti-${token}`, 5000, token);
  for (const token of ['c', 'a', 'b']) cache.get(token);
  cache.set('d', 'jti-d', 5000, 'd');
  assert.is(cache.size, 3);
  assert.equal(
    ['a', 'b', 'c', 'd'].map((token) => cache.get(token) !== undefined),
    [false, true, true, true],
  );
});

test('an entry is gone at its expiry, and an already expired one is never stored', () => {
  const { clock, cache } = setup();
  cache.set('a', 'jti-a', 2000, 'a');
  cache.set('old', 'jti-old', 1000, 'old');
  assert.is(cache.size, 1);
  clock.now = 1999;
  assert.is(cache.get('a'), 'a');
  clock.now = 2000;
  assert.is(cache.get('a'), undefined);
  assert.is(cache.size, 0);
});

test('forget(jti) drops that token and leaves the others', () => {
  const { cache } = setup();
  cache.set('a', 'jti-a', 5000, 'a');
  cache.set('b', 'jti-b', 5000, 'b');
  cache.forget('jti-a');
  cache.forget('unknown');
  assert.equal([cache.get('a'), cache.get('b')], [undefined, 'b']);
});

test('forget still works for a token that was re-stored, and after eviction it is harmless', () => {
  const { cache } = setup(1);
  cache.set('a', 'jti-a', 5000, 'a');
  cache.set('a', 'jti-a', 6000, 'a');
  cache.set('b', 'jti-b', 5000, 'b'); // evicts a
  cache.forget('jti-a');
  assert.is(cache.get('b'), 'b');
  cache.forget('jti-b');
  assert.is(cache.size, 0);
});

test('tokens ending alike are told apart by their whole text', () => {
  const { cache } = setup();
  const tail = '.the-same-signature-at-the-end-0123456789';
  cache.set(`first${tail}`, 'jti-first', 5000, 'first');
  assert.is(cache.get(`forged${tail}`), undefined);
  assert.is(cache.get(`first${tail}`), 'first');
  cache.set(`second${tail}`, 'jti-second', 5000, 'second');
  assert.equal([cache.get(`first${tail}`), cache.get(`second${tail}`)], [undefined, 'second']);
  cache.forget('jti-first');
  assert.is(cache.get(`second${tail}`), 'second');
  cache.forget('jti-second');
  assert.is(cache.size, 0);
});

test('maxEntries 0 keeps nothing', () => {
  const { cache } = setup(0);
  cache.set('a', 'jti-a', 5000, 'a');
  assert.is(cache.get('a'), undefined);
  assert.is(cache.size, 0);
});

test.run();
