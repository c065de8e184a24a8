/**
 * The cache contract: every Cache implementation must pass these (Hono's `common.case.test.ts`
 * pattern). Each implementation's test file calls {@link registerCacheContract} with a factory.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Cache, CacheReason, createJsonCache } from '../../../../src/platform/cache/index.ts';
import { isAppError } from '../../../../src/platform/errors/index.ts';

/** Makes a fresh, empty cache for one test; `teardown` runs once after the suite. */
export interface CacheFactory {
  create(): Cache | Promise<Cache>;
  teardown?(): Promise<void>;
}

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString();

export function registerCacheContract(name: string, factory: CacheFactory): void {
  const test = suite(`cache contract: ${name}`);
  test.after(async () => {
    await factory.teardown?.();
  });

  test('a key never set reads as missing', async () => {
    const cache = await factory.create();
    assert.is(await cache.get('nothing'), undefined);
  });

  test('bytes round-trip exactly, including every byte value and an empty value', async () => {
    const cache = await factory.create();
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    await cache.set('all', all);
    await cache.set('empty', new Uint8Array(0));
    assert.equal([...((await cache.get('all')) ?? [])], [...all]);
    const empty = await cache.get('empty');
    assert.ok(empty !== undefined, 'an empty value is a value, not a miss');
    assert.is(empty.byteLength, 0);
  });

  test('a string is stored as its UTF-8 bytes', async () => {
    const cache = await factory.create();
    await cache.set('greeting', 'grüße 👋');
    assert.equal([...((await cache.get('greeting')) ?? [])], [...Buffer.from('grüße 👋', 'utf8')]);
  });

  test('keys are distinct whatever characters they hold', async () => {
    const cache = await factory.create();
    const keys = ['a', 'a:b', 'a*', 'a?', '[a]', 'ключ', 'a b', ''];
    for (const key of keys) await cache.set(key, `v-${key}`);
    for (const key of keys) assert.is(text(await cache.get(key)), `v-${key}`, key);
  });

  test('an entry is gone once its TTL has passed', async () => {
    const cache = await factory.create();
    // Read back at once: a TTL of a second leaves room for a loaded host's stalls in between.
    await cache.set('short', 'x', { ttlMs: 1000 });
    assert.is(text(await cache.get('short')), 'x');
    await sleep(1100);
    assert.is(await cache.get('short'), undefined);
  });

  test('set replaces both the value and its TTL', async () => {
    const cache = await factory.create();
    await cache.set('k', 'old', { ttlMs: 60 });
    await cache.set('k', 'new');
    await sleep(150);
    assert.is(text(await cache.get('k')), 'new');
  });

  test('delete removes a key and reports whether it existed', async () => {
    const cache = await factory.create();
    await cache.set('k', 'v');
    assert.is(await cache.delete('k'), true);
    assert.is(await cache.get('k'), undefined);
    assert.is(await cache.delete('k'), false);
  });

  test('increment counts from zero by any integer and reads back as decimal text', async () => {
    const cache = await factory.create();
    assert.is(await cache.increment('n'), 1);
    assert.is(await cache.increment('n', { by: 41 }), 42);
    assert.is(await cache.increment('n', { by: -50 }), -8);
    assert.is(text(await cache.get('n')), '-8');
  });

  test('increment gives a new counter its TTL and later increments keep that expiry', async () => {
    const cache = await factory.create();
    // The second increment halfway through the TTL, the read between the first expiry and the
    // one a refresh would set. A stall before the read never fails a correct cache; only one of
    // a whole second before the second increment could.
    await cache.increment('window', { ttlMs: 2000 });
    await sleep(1000);
    assert.is(await cache.increment('window', { ttlMs: 2000 }), 2);
    await sleep(1500);
    assert.is(
      await cache.get('window'),
      undefined,
      'expired 2 s after creation, not after the last increment',
    );
  });

  test('increment of a value that is not an integer fails with CACHE_VALUE_NOT_INTEGER', async () => {
    const cache = await factory.create();
    await cache.set('word', 'hello');
    try {
      await cache.increment('word');
      assert.unreachable('should have thrown');
    } catch (error) {
      assert.ok(isAppError(error), String(error));
      assert.is(error.reason, CacheReason.CACHE_VALUE_NOT_INTEGER);
    }
    assert.is(text(await cache.get('word')), 'hello');
  });

  test('a TTL that is not a positive whole number is refused', async () => {
    const cache = await factory.create();
    for (const ttlMs of [0, -1, 1.5, Number.NaN]) {
      try {
        await cache.set('k', 'v', { ttlMs });
        assert.unreachable(`ttlMs ${ttlMs} accepted`);
      } catch (error) {
        assert.instance(error, RangeError);
      }
    }
  });

  test('getOrCompute computes once for many concurrent misses of one key', async () => {
    const cache = await factory.create();
    let calls = 0;
    const compute = async () => {
      calls++;
      await sleep(20);
      return 'computed';
    };
    const results = await Promise.all(Array.from({ length: 25 }, () => cache.getOrCompute('hot', compute)));
    assert.is(calls, 1);
    for (const result of results) assert.is(text(result), 'computed');
    assert.is(text(await cache.get('hot')), 'computed');
  });

  test('getOrCompute returns a cached value without computing', async () => {
    const cache = await factory.create();
    await cache.set('k', 'cached');
    const result = await cache.getOrCompute('k', async () => assert.unreachable('computed') as never);
    assert.is(text(result), 'cached');
  });

  test('a failing compute rejects every waiter, stores nothing, and the next call computes again', async () => {
    const cache = await factory.create();
    const failing = async () => {
      await sleep(10);
      throw new Error('backend down');
    };
    const outcomes = await Promise.allSettled([
      cache.getOrCompute('k', failing),
      cache.getOrCompute('k', failing),
    ]);
    assert.equal(
      outcomes.map((outcome) => outcome.status),
      ['rejected', 'rejected'],
    );
    assert.is(await cache.get('k'), undefined);
    assert.is(text(await cache.getOrCompute('k', async () => 'ok')), 'ok');
  });

  test('getOrCompute stores the computed value with its TTL', async () => {
    const cache = await factory.create();
    await cache.getOrCompute('k', async () => 'v', { ttlMs: 60 });
    await sleep(150);
    assert.is(await cache.get('k'), undefined);
  });

  test('a value read is the caller’s own copy', async () => {
    const cache = await factory.create();
    const original = Uint8Array.from([1, 2, 3]);
    await cache.set('k', original);
    original[0] = 9;
    const first = await cache.get('k');
    assert.ok(first !== undefined);
    first[1] = 9;
    assert.equal([...((await cache.get('k')) ?? [])], [1, 2, 3]);
  });

  test('a JSON view round-trips structured values and computes once', async () => {
    const cache = await factory.create();
    const users = createJsonCache<{ id: number; tags: string[] }>(cache, { namespace: 'users' });
    await users.set('1', { id: 1, tags: ['a', 'ü'] });
    assert.equal(await users.get('1'), { id: 1, tags: ['a', 'ü'] });
    assert.is(await users.get('2'), undefined);
    let calls = 0;
    const compute = async () => {
      calls++;
      await sleep(10);
      return { id: 2, tags: [] };
    };
    const [a, b] = await Promise.all([users.getOrCompute('2', compute), users.getOrCompute('2', compute)]);
    assert.equal(a, { id: 2, tags: [] });
    assert.equal(b, a);
    assert.is(calls, 1);
    assert.is(text(await cache.get('users:1')), '{"id":1,"tags":["a","ü"]}');
  });

  test.run();
}
