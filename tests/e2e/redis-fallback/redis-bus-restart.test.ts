import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defineTopic, defineTopicPattern } from '../../../src/platform/bus/index.ts';
import { closeRedisClient, createRedisBus, createRedisClient } from '../../../src/platform/redis/index.ts';
import { createOwnRedis, type OwnRedis, uniquePrefix, waitFor } from '../../helpers/redis.ts';

const test = suite('Redis bus across a Redis restart');
let redis: OwnRedis | undefined;
const cleanups: (() => Promise<void>)[] = [];
test.after(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await redis?.kill();
});

test('a Redis bus restores its topic and pattern subscriptions after Redis restarts', async () => {
  redis = await createOwnRedis();
  await redis.start();
  const publisher = createRedisClient({ url: redis.url, maxBackoffMs: 200 });
  const subscriber = createRedisClient({ url: redis.url, maxBackoffMs: 200, autoPipelining: false });
  cleanups.push(() =>
    Promise.all([closeRedisClient(publisher), closeRedisClient(subscriber)]).then(() => undefined),
  );
  await waitFor(() => publisher.status === 'ready' && subscriber.status === 'ready', 3000, 'connections');
  const bus = createRedisBus({ publisher, subscriber, prefix: `${uniquePrefix()}bus:` });
  cleanups.unshift(() => bus.close());
  const exact: number[] = [];
  const pattern: number[] = [];
  await bus.subscribe(defineTopic<number>('jobs.done'), (n) => {
    exact.push(n);
  });
  await bus.subscribe(defineTopicPattern<number>('jobs.*'), (n) => {
    pattern.push(n);
  });
  const topic = defineTopic<number>('jobs.done');

  await bus.publish(topic, 1);
  await waitFor(() => exact.includes(1) && pattern.includes(1), 2000, 'delivery before the restart');

  await redis.kill();
  await redis.start();
  await waitFor(() => publisher.status === 'ready' && subscriber.status === 'ready', 15_000, 'reconnection');
  // The resubscription follows the reconnection by one round trip; publish until it is in place.
  const deadline = performance.now() + 3000;
  while (!(exact.includes(2) && pattern.includes(2)) && performance.now() < deadline) {
    await bus.publish(topic, 2);
    await sleep(50);
  }
  assert.ok(exact.includes(2), 'the topic subscription is back');
  assert.ok(pattern.includes(2), 'the pattern subscription is back');
});

test.run();
