/** The rate limiter's contract, run over every cache backend by each backend's test file. */
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Cache, createRateLimiter } from '../../../../src/platform/cache/index.ts';

/** Makes a fresh, empty cache for one test; `teardown` runs once after the suite. */
export interface RateLimiterCacheFactory {
  create(): Cache | Promise<Cache>;
  teardown?(): Promise<void>;
}

export function registerRateLimiterContract(name: string, factory: RateLimiterCacheFactory): void {
  const test = suite(`rate limiter contract: ${name}`);
  test.after(async () => {
    await factory.teardown?.();
  });

  test('allows the limit, then refuses with a retry hint within two windows', async () => {
    const limiter = createRateLimiter({
      cache: await factory.create(),
      name: 'login',
      limit: 5,
      windowMs: 1000,
    });
    for (let i = 0; i < 5; i++) {
      const result = await limiter.consume('alice');
      assert.equal(result, { allowed: true, remaining: 4 - i, retryAfterMs: 0 }, `attempt ${i + 1}`);
    }
    const refused = await limiter.consume('alice');
    assert.is(refused.allowed, false);
    assert.is(refused.remaining, 0);
    assert.ok(
      refused.retryAfterMs > 0 && refused.retryAfterMs <= 2000,
      `retryAfterMs ${refused.retryAfterMs}`,
    );
  });

  test('keys are limited separately', async () => {
    const limiter = createRateLimiter({
      cache: await factory.create(),
      name: 'login',
      limit: 1,
      windowMs: 1000,
    });
    assert.is((await limiter.consume('alice')).allowed, true);
    assert.is((await limiter.consume('alice')).allowed, false);
    assert.is((await limiter.consume('bob')).allowed, true);
  });

  test('concurrent attempts never get more than the limit', async () => {
    const limiter = createRateLimiter({
      cache: await factory.create(),
      name: 'login',
      limit: 10,
      windowMs: 5000,
    });
    const results = await Promise.all(Array.from({ length: 40 }, () => limiter.consume('mallory')));
    assert.ok(results.filter((result) => result.allowed).length <= 10);
    assert.ok(results.filter((result) => result.allowed).length >= 1);
  });

  test('waiting the retry hint is enough, and refused attempts do not push it further', async () => {
    const limiter = createRateLimiter({
      cache: await factory.create(),
      name: 'login',
      limit: 3,
      windowMs: 200,
    });
    for (let i = 0; i < 3; i++) await limiter.consume('carol');
    const first = await limiter.consume('carol');
    let refused = first;
    for (let i = 0; i < 5; i++) refused = await limiter.consume('carol');
    assert.is(refused.allowed, false);
    assert.ok(refused.retryAfterMs <= first.retryAfterMs, `${refused.retryAfterMs} > ${first.retryAfterMs}`);
    await sleep(refused.retryAfterMs + 5);
    assert.is((await limiter.consume('carol')).allowed, true);
  });

  test('reset forgets a key’s attempts', async () => {
    const limiter = createRateLimiter({
      cache: await factory.create(),
      name: 'login',
      limit: 1,
      windowMs: 10_000,
    });
    await limiter.consume('dave');
    assert.is((await limiter.consume('dave')).allowed, false);
    await limiter.reset('dave');
    assert.is((await limiter.consume('dave')).allowed, true);
  });

  test('a cost above the limit is refused as a programming error', async () => {
    const limiter = createRateLimiter({
      cache: await factory.create(),
      name: 'login',
      limit: 2,
      windowMs: 1000,
    });
    try {
      await limiter.consume('erin', 3);
      assert.unreachable('accepted');
    } catch (error) {
      assert.instance(error, RangeError);
    }
  });

  test.run();
}
