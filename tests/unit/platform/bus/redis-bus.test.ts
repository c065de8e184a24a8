import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineTopic } from '../../../../src/platform/bus/index.ts';
import { closeRedisClient, createRedisBus, createRedisClient } from '../../../../src/platform/redis/index.ts';
import { REDIS_URL, redisSuitesEnabled, uniquePrefix } from '../../../helpers/redis.ts';
import { registerBusContract } from './bus.case.ts';

if (await redisSuitesEnabled('Redis bus suites')) {
  const runPrefix = uniquePrefix();
  const publisher = createRedisClient({ url: REDIS_URL, commandTimeoutMs: 2000 });
  const subscriber = createRedisClient({ url: REDIS_URL, commandTimeoutMs: 2000, autoPipelining: false });
  await Promise.all(
    [publisher, subscriber].map((client) => new Promise((resolve) => client.once('ready', resolve))),
  );
  let next = 0;
  registerBusContract('redis', {
    // Each bus its own channel prefix on the same two connections, so tests cannot hear each other.
    create: (options) =>
      createRedisBus({ publisher, subscriber, prefix: `${runPrefix}${next++}:bus:`, ...options }),
    async teardown() {
      // Pub/sub leaves no keys; only the connections to close.
      await Promise.all([closeRedisClient(publisher), closeRedisClient(subscriber)]);
    },
  });

  test('buses with different prefixes do not hear each other', async () => {
    const clients = [REDIS_URL, REDIS_URL].map((url) => createRedisClient({ url, commandTimeoutMs: 2000 }));
    const [pub, sub] = clients as [
      ReturnType<typeof createRedisClient>,
      ReturnType<typeof createRedisClient>,
    ];
    await Promise.all(clients.map((client) => new Promise((resolve) => client.once('ready', resolve))));
    const prefix = uniquePrefix();
    const mine = createRedisBus({ publisher: pub, subscriber: sub, prefix: `${prefix}a:` });
    const theirs = createRedisBus({ publisher: pub, subscriber: sub, prefix: `${prefix}b:` });
    const heard: string[] = [];
    await mine.subscribe(defineTopic<string>('t'), (message) => {
      heard.push(message);
    });
    await theirs.publish(defineTopic<string>('t'), 'theirs');
    await mine.publish(defineTopic<string>('t'), 'mine');
    const deadline = performance.now() + 20_000;
    while (heard.length === 0 && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(heard, ['mine']);
    await Promise.all([mine.close(), theirs.close()]);
    await Promise.all(clients.map((client) => closeRedisClient(client)));
  });
  test.run();
}
