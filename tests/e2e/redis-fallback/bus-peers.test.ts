import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defineTopic } from '../../../src/platform/bus/index.ts';
import { createLogger } from '../../../src/platform/log/index.ts';
import { createSharedState, type SharedState } from '../../../src/platform/redis/index.ts';
import { type RunningProcess, runTs } from '../../helpers/process.ts';
import { createOwnRedis, type OwnRedis, uniquePrefix, waitFor } from '../../helpers/redis.ts';

// The same topics as tests/fixtures/bus-peer.ts (not imported: importing it would start a peer).
const PING = defineTopic<{ from: string; id: number }>('peers.ping');
const PONG = defineTopic<{ from: string; id: number }>('peers.pong');

const test = suite('bus across two processes through Redis');
let redis: OwnRedis | undefined;
let peer: RunningProcess | undefined;
let state: SharedState | undefined;
test.after(async () => {
  await state?.close();
  if (peer !== undefined && peer.child.exitCode === null) {
    peer.child.kill('SIGTERM');
    const exited = await Promise.race([peer.exited.then(() => true), sleep(2000).then(() => false)]);
    if (!exited) peer.child.kill('SIGKILL');
  }
  await redis?.kill();
});

/** Resolves once the peer has logged its `count`-th switch to `backend`. */
function peerSwitched(process: RunningProcess, backend: string, count: number): Promise<unknown> {
  const switches = () =>
    process.logLines().filter((line) => line.event === 'status' && line.backend === backend);
  return process.waitForLog(() => switches().length >= count, 15_000);
}

/** Pings until the peer answers; resolves the round trip in ms, rejects after `timeoutMs`. */
async function pingPeer(
  shared: SharedState,
  pongs: Set<number>,
  id: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  // One ping normally suffices; repeating covers the moment both sides are just back on Redis.
  while (!pongs.has(id)) {
    if (performance.now() > deadline) throw new Error(`no pong ${id} within ${timeoutMs} ms`);
    await shared.bus.publish(PING, { from: 'test', id });
    await sleep(100);
  }
}

test('two processes hear each other’s messages, and still do after Redis restarts', async () => {
  redis = await createOwnRedis();
  await redis.start();
  const prefix = uniquePrefix();
  peer = runTs('tests/fixtures/bus-peer.ts', [], {
    env: { PEER_REDIS_URL: redis.url, PEER_PREFIX: prefix, PEER_NAME: 'peer' },
  });
  const logger = createLogger({ level: 'silent' });
  const shared = createSharedState({ redisUrl: redis.url, prefix, logger, redis: { maxBackoffMs: 200 } });
  state = shared;
  const pongs = new Set<number>();
  await shared.bus.subscribe(PONG, (pong) => {
    if (pong.from === 'peer') pongs.add(pong.id);
  });
  await Promise.all([
    peerSwitched(peer, 'redis', 1),
    waitFor(() => shared.status().backend === 'redis', 15_000, 'redis'),
  ]);

  await pingPeer(shared, pongs, 1, 15_000);
  const heard = peer.logLines().filter((line) => line.event === 'ping' && line.from === 'test');
  assert.ok(heard.length >= 1, 'the peer heard the ping');

  await redis.kill();
  await waitFor(() => shared.status().backend === 'memory', 1000, 'the fallback');
  await peerSwitched(peer, 'memory', 1);
  await redis.start();
  await Promise.all([
    peerSwitched(peer, 'redis', 2),
    waitFor(() => shared.status().backend === 'redis', 15_000, 'the return'),
  ]);
  await pingPeer(shared, pongs, 2, 15_000);
});

test.run();
