import { status as GrpcStatus } from '@grpc/grpc-js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { probeHealth } from '../../../src/transport/grpc/index.ts';
import { loadContract } from '../../../src/transport/rpc/index.ts';
import { callRaw, rawClient } from '../../helpers/grpc-client.ts';
import { createOwnRedis, type OwnRedis } from '../../helpers/redis.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

const test = suite('hcs through a Redis outage');
// A method of a service not built yet: it answers UNIMPLEMENTED without touching anything.
const anyUnary =
  loadContract().methods.find((method) => method.kind === 'unary' && method.service !== 'hcs.v1.AuthService')
    ?.path ?? '';

let redis: OwnRedis;
let server: ServerProcess | undefined;

async function readiness(base: string) {
  const response = await fetch(`${base}/readyz`);
  const body = (await response.json()) as { checks: { cache: { ok: boolean; detail: string } } };
  return { status: response.status, cache: body.checks.cache.detail };
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test.before(async () => {
  redis = await createOwnRedis();
});

test.after(async () => {
  await server?.stop();
  await redis?.kill();
});

test('hcs starts while its Redis is down, serves on memory, and moves to Redis when it comes up', async () => {
  server = await startServer({ env: { HCS_REDIS_URL: redis.url } });
  const base = `http://127.0.0.1:${server.httpPort}`;
  const down = await readiness(base);
  assert.is(down.status, 200, 'ready on memory');
  assert.match(down.cache, /^memory \((connecting to redis|redis unreachable) since /);
  assert.is(await probeHealth({ target: server.grpcTarget }), 'SERVING');
  assert.is(await probeHealth({ target: server.grpcTarget, service: 'redis' }), 'NOT_SERVING');

  await redis.start();
  const up = await until(
    () => readiness(base),
    (r) => r.cache === 'redis',
    5000,
  );
  assert.is(up.cache, 'redis');
  assert.is(await probeHealth({ target: server.grpcTarget, service: 'redis' }), 'SERVING');
});

test('while Redis is killed, calls keep being answered at once and /readyz says so within 1 s', async () => {
  assert.ok(server);
  const base = `http://127.0.0.1:${server.httpPort}`;
  const client = rawClient(server.grpcTarget, await server.adminToken());
  const fallbackLines = () =>
    server?.logLines().filter((line) => line.msg === 'shared state falling back to memory: redis unreachable')
      .length ?? 0;
  const warnedBefore = fallbackLines();
  await redis.kill();
  const killed = Date.now();
  const after = await until(
    () => readiness(base),
    (r) => r.cache.startsWith('memory'),
    3000,
  );
  assert.match(after.cache, /^memory \(redis unreachable since /);
  assert.ok(Date.now() - killed <= 1000 + 100, `fallback took ${Date.now() - killed} ms`);
  for (let i = 0; i < 20; i += 1) {
    const { error } = await callRaw(client, anyUnary, Buffer.alloc(0), undefined, 2000);
    assert.is(error?.code, GrpcStatus.UNIMPLEMENTED, 'answered, not hung or failed');
  }
  assert.is(await probeHealth({ target: server.grpcTarget }), 'SERVING');
  assert.is(fallbackLines() - warnedBefore, 1, 'the switch is logged once');

  await redis.start();
  const back = await until(
    () => readiness(base),
    (r) => r.cache === 'redis',
    5000,
  );
  assert.is(back.cache, 'redis');
  client.close();
});

test.run();
