import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryCache } from '../../../../src/platform/cache/index.ts';
import { registerCacheContract } from './cache.case.ts';
import { registerRateLimiterContract } from './rate-limiter.case.ts';

registerCacheContract('memory', { create: () => createMemoryCache() });
registerRateLimiterContract('memory', { create: () => createMemoryCache() });

test('keeps at most maxEntries, evicting the least recently used', async () => {
  const cache = createMemoryCache({ maxEntries: 3 });
  await cache.set('a', '1');
  await cache.set('b', '2');
  await cache.set('c', '3');
  await cache.get('a'); // now b is the least recently used
  await cache.set('d', '4');
  assert.is(cache.size, 3);
  assert.is(await cache.get('b'), undefined);
  for (const key of ['a', 'c', 'd']) assert.ok((await cache.get(key)) !== undefined, key);
});

test('keeps at most maxBytes of keys and values, evicting the least recently used', async () => {
  const cache = createMemoryCache({ maxBytes: 100 });
  for (const key of ['a', 'b', 'c', 'd']) await cache.set(key, new Uint8Array(29)); // 30 bytes each
  assert.is(cache.bytes, 90);
  assert.is(await cache.get('a'), undefined);
  assert.ok((await cache.get('d')) !== undefined);
  assert.ok(cache.bytes <= 100);
});

test('a value larger than maxBytes on its own is not kept and evicts nothing', async () => {
  const cache = createMemoryCache({ maxBytes: 100 });
  await cache.set('small', 'x');
  await cache.set('huge', new Uint8Array(200));
  assert.is(await cache.get('huge'), undefined);
  assert.is(Buffer.from((await cache.get('small')) ?? []).toString(), 'x');
});

test('replacing a value updates the byte count', async () => {
  const cache = createMemoryCache();
  await cache.set('k', new Uint8Array(50));
  await cache.set('k', new Uint8Array(10));
  assert.is(cache.bytes, 11);
  await cache.delete('k');
  assert.is(cache.bytes, 0);
  assert.is(cache.size, 0);
});

test('expiry follows the injected clock exactly', async () => {
  let now = 1000;
  const cache = createMemoryCache({ now: () => now });
  await cache.set('k', 'v', { ttlMs: 100 });
  now = 1099;
  assert.ok((await cache.get('k')) !== undefined);
  now = 1100;
  assert.is(await cache.get('k'), undefined);
  assert.is(cache.size, 0, 'an expired entry is dropped when read');
});

test('bounds that are not positive integers are refused', () => {
  for (const options of [{ maxEntries: 0 }, { maxBytes: -1 }, { maxEntries: 1.5 }]) {
    assert.throws(() => createMemoryCache(options), RangeError);
  }
});

test.run();
