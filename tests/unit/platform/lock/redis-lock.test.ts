import * as assert from 'uvu/assert';
import {
  closeRedisClient,
  createRedisClient,
  createRedisLock,
} from '../../../../src/platform/redis/index.ts';
import {
  connectTestRedis,
  deleteKeys,
  listKeys,
  REDIS_URL,
  redisSuitesEnabled,
  uniquePrefix,
} from '../../../helpers/redis.ts';
import { registerLockContract } from './lock.case.ts';

if (await redisSuitesEnabled('Redis lock suites')) {
  const runPrefix = uniquePrefix();
  const client = createRedisClient({ url: REDIS_URL, commandTimeoutMs: 2000 });
  await new Promise((resolve) => client.once('ready', resolve));
  let next = 0;
  registerLockContract('redis', {
    create: (options) => createRedisLock({ client, prefix: `${runPrefix}${next++}:lock:`, ...options }),
    async teardown() {
      // The fence counters never expire by design, so they are what a run would leave behind.
      const probe = connectTestRedis();
      assert.ok((await probe.keys(`${runPrefix}*fence:*`)).length > 0, 'fence keys live under the prefix');
      probe.disconnect();
      await deleteKeys(runPrefix);
      assert.equal(await listKeys(runPrefix), []);
      await closeRedisClient(client);
    },
  });
}
