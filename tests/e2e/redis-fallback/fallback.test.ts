import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Backend,
  createSharedState,
  formatBackendStatus,
  type SharedState,
} from '../../../src/platform/redis/index.ts';
import { captureLogs } from '../../helpers/log.ts';
import {
  connectTestRedis,
  createOwnRedis,
  type OwnRedis,
  uniquePrefix,
  waitFor,
} from '../../helpers/redis.ts';
import { startLoad, stopAllLoads } from './load.ts';

const test = suite('shared state fallback and recovery');

function capture() {
  return captureLogs('info');
}

const FALLING_BACK = 'shared state falling back to memory: redis unreachable';
const ON_REDIS = 'shared state on redis';
const messages = (lines: Record<string, unknown>[], level: string, msg: string) =>
  lines.filter((line) => line.level === level && line.msg === msg);

// Closed by the suite even when a test fails midway, so no process or socket outlives the run.
const servers: OwnRedis[] = [];
const states: SharedState[] = [];
test.after.each(async () => {
  await stopAllLoads();
  await Promise.all(states.splice(0).map((state) => state.close()));
  await Promise.all(servers.splice(0).map((server) => server.kill()));
});

async function setUp(options: { start: boolean }) {
  const redis = await createOwnRedis();
  servers.push(redis);
  if (options.start) await redis.start();
  const { lines, logger } = capture();
  const prefix = uniquePrefix();
  const state = createSharedState({ redisUrl: redis.url, prefix, logger, redis: { maxBackoffMs: 500 } });
  states.push(state);
  const seen: Backend[] = [];
  state.onStatusChange((status) => seen.push(status.backend));
  const backendIs = (backend: Backend) => () => state.status().backend === backend;
  return { redis, state, lines, prefix, seen, backendIs };
}

test('without a Redis URL everything is in memory, reported as "not configured"', async () => {
  const { logger } = capture();
  const state = createSharedState({ logger, prefix: 'x:' });
  states.push(state);
  assert.is(state.status().backend, 'memory');
  assert.is(state.status().reason, 'not configured');
  assert.is(formatBackendStatus(state.status()), 'memory (not configured)');
  await state.cache.set('k', 'v');
  assert.is(Buffer.from((await state.cache.get('k')) ?? []).toString(), 'v');
});

test('primitives keep serving, with zero failed operations, while Redis is killed and restarted', async () => {
  const { redis, state, lines, prefix, seen, backendIs } = await setUp({ start: true });
  await waitFor(backendIs('redis'), 15_000, 'the first connection');
  const load = await startLoad(state);
  await sleep(300);

  await redis.kill();
  await waitFor(backendIs('memory'), 1000, 'the fallback (bound: 1 s)');
  assert.match(state.status().reason ?? '', /^redis unreachable/);
  assert.match(formatBackendStatus(state.status()), /^memory \(redis unreachable since \d{4}-/);
  const heardBefore = load.report.heard;
  await sleep(400);
  assert.ok(load.report.heard > heardBefore, 'the bus still delivers within the process');

  await redis.start();
  await waitFor(backendIs('redis'), 15_000, 'the return to Redis (bound: a few seconds)');
  await sleep(300);
  const report = await load.stop();

  assert.is(report.failed, 0, report.failures.join('\n'));
  assert.ok(report.operations > 500, `only ${report.operations} operations`);
  assert.ok(report.slowestMs < 3000, `an operation took ${Math.round(report.slowestMs)} ms`);
  assert.equal(seen, ['redis', 'memory', 'redis']);
  assert.is(messages(lines, 'warn', FALLING_BACK).length, 1, 'the fallback is logged once');
  assert.is(messages(lines, 'info', ON_REDIS).length, 2, 'the first connection and the return');

  // Back on Redis for real: a write through the shared state is in the new Redis.
  await state.cache.set('after', 'yes');
  const direct = connectTestRedis(redis.url);
  assert.is(await direct.get(`${prefix}cache:after`), 'yes');
  direct.disconnect();
});

test('a Redis that stops answering (SIGSTOP) is left within 1 s and rejoined once it answers', async () => {
  const { redis, state, lines, seen, backendIs } = await setUp({ start: true });
  await waitFor(backendIs('redis'), 15_000, 'the first connection');
  const load = await startLoad(state);
  await sleep(200);

  redis.pause();
  await waitFor(backendIs('memory'), 1000, 'the fallback (bound: 1 s)');
  await sleep(500);
  redis.resume();
  await waitFor(backendIs('redis'), 15_000, 'the return to Redis');
  await sleep(200);
  const report = await load.stop();

  assert.is(report.failed, 0, report.failures.join('\n'));
  assert.ok(report.slowestMs < 3000, `an operation took ${Math.round(report.slowestMs)} ms`);
  assert.equal(seen, ['redis', 'memory', 'redis']);
  assert.is(messages(lines, 'warn', FALLING_BACK).length, 1);
});

test('hcs starts with Redis down, serves from memory, and moves to Redis when it appears', async () => {
  const { redis, state, lines, backendIs } = await setUp({ start: false });
  assert.is(state.status().backend, 'memory');
  await waitFor(
    () => (state.status().reason ?? '').startsWith('redis unreachable'),
    15_000,
    'the first failure',
  );
  const started = performance.now();
  await state.cache.set('k', 'v');
  assert.is(Buffer.from((await state.cache.get('k')) ?? []).toString(), 'v');
  const lease = await state.lock.acquire('l', { ttlMs: 1000 });
  assert.ok(lease !== undefined);
  // Redis stays down until later in this test: a call that waited for it would not return at all.
  assert.ok(performance.now() - started < 5000, 'no call waits for Redis');
  await sleep(700); // several reconnect attempts, still one warning
  assert.is(messages(lines, 'warn', FALLING_BACK).length, 1);

  await redis.start();
  await waitFor(backendIs('redis'), 15_000, 'the switch to Redis');
  assert.is(messages(lines, 'info', ON_REDIS).length, 1);
});

test('fencing numbers keep increasing in a process across a fallback and back', async () => {
  const { redis, state, backendIs } = await setUp({ start: true });
  await waitFor(backendIs('redis'), 15_000, 'the first connection');
  const fences: number[] = [];
  const take = async () => {
    const lease = await state.lock.acquire('device', { ttlMs: 5000 });
    assert.ok(lease !== undefined);
    fences.push(lease.fence);
    await state.lock.release(lease);
  };
  await take();
  await take();
  await redis.kill();
  await waitFor(backendIs('memory'), 1000, 'the fallback');
  await take();
  // A new, empty Redis: its counter starts again at 0 and must be lifted above what was issued.
  await redis.start();
  await waitFor(backendIs('redis'), 15_000, 'the return');
  await take();
  for (let i = 1; i < fences.length; i++)
    assert.ok((fences[i] as number) > (fences[i - 1] as number), fences.join());
});

test.run();
