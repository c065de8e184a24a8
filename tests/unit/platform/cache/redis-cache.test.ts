import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Cache } from '../../../../src/platform/cache/index.ts';
import { isAppError } from '../../../../src/platform/errors/index.ts';
import {
  closeRedisClient,
  createRedisCache,
  createRedisClient,
  RedisReason,
} from '../../../../src/platform/redis/index.ts';
import {
  deleteKeys,
  freePort,
  listKeys,
  REDIS_URL,
  redisSuitesEnabled,
  uniquePrefix,
} from '../../../helpers/redis.ts';
import { registerCacheContract } from './cache.case.ts';
import { registerRateLimiterContract } from './rate-limiter.case.ts';

if (await redisSuitesEnabled('Redis cache suites')) {
  const runPrefix = uniquePrefix();
  const client = createRedisClient({ url: REDIS_URL, commandTimeoutMs: 2000 });
  await new Promise((resolve) => client.once('ready', resolve));
  let next = 0;
  const create = (): Cache => createRedisCache({ client, prefix: `${runPrefix}${next++}:` });
  let suitesLeft = 2;
  const teardown = async () => {
    if (--suitesLeft > 0) return;
    await deleteKeys(runPrefix);
    assert.equal(await listKeys(runPrefix), [], 'no key left behind');
    await closeRedisClient(client);
  };
  registerCacheContract('redis', { create, teardown });
  registerRateLimiterContract('redis', { create, teardown });
}

test('a Redis cache that cannot reach Redis fails fast with REDIS_UNAVAILABLE', async () => {
  const client = createRedisClient({ url: `redis://127.0.0.1:${await freePort()}` });
  const cache = createRedisCache({ client });
  try {
    const started = performance.now();
    try {
      await cache.get('k');
      assert.unreachable('should have failed');
    } catch (error) {
      assert.ok(isAppError(error), String(error));
      assert.is(error.reason, RedisReason.REDIS_UNAVAILABLE);
    }
    assert.ok(performance.now() - started < 1000, 'no waiting for a connection');
  } finally {
    await closeRedisClient(client);
  }
});

test.run();
