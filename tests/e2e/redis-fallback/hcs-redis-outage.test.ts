import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { probeHealth } from '../../../src/transport/grpc/index.ts';
import { TEST_ADMIN } from '../../helpers/app.ts';
import { createOwnRedis, type OwnRedis } from '../../helpers/redis.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

const test = suite('hcs through a Redis outage');

let redis: OwnRedis;
let server: ServerProcess | undefined;

async function readiness(base: string) {
  const response = await fetch(`${base}/readyz`);
  const body = (await response.json()) as { checks: { cache: { ok: boolean; detail: string } } };
  return { status: response.status, cache: body.checks.cache.detail };
}

/** One REST call that must be answered within 2 s: hanging on the dead Redis fails it. */
async function call(
  base: string,
  method: string,
  path: string,
  init: { token?: string; apiKey?: string; json?: unknown; form?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = {};
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.apiKey !== undefined) headers['x-api-key'] = init.apiKey;
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(2000),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
  };
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
    15_000,
  );
  assert.is(up.cache, 'redis');
  assert.is(await probeHealth({ target: server.grpcTarget, service: 'redis' }), 'SERVING');
});

test('while Redis is killed, calls that use the cache and the bus keep working and /readyz says so at once', async () => {
  assert.ok(server);
  const base = `http://127.0.0.1:${server.httpPort}`;
  const admin = await server.adminToken();
  const fallbackLines = () =>
    server?.logLines().filter((line) => line.msg === 'shared state falling back to memory: redis unreachable')
      .length ?? 0;
  const warnedBefore = fallbackLines();
  await redis.kill();
  const killed = Date.now();
  const after = await until(
    () => readiness(base),
    (r) => r.cache.startsWith('memory'),
    15_000,
  );
  assert.match(after.cache, /^memory \(redis unreachable since /);
  // The monitor notices within about a second; the bound leaves room for a loaded host while still
  // catching a fallback that waits for a long timeout. Measured to the moment hcs itself says it
  // fell back, not to when this test's polling of /readyz happened to see it.
  const fellBack = Date.parse(/since (\S+?)\)?$/.exec(after.cache)?.[1] ?? '');
  assert.ok(fellBack - killed <= 3000, `fallback took ${fellBack - killed} ms (${after.cache})`);

  // A wrong password counts a failure in the cache; a right one checks the counters under the
  // login lock; revoking a token and an API key announce it on the bus.
  const wrong = await call(base, 'POST', '/api/v1/auth/token', {
    form: { grant_type: 'password', username: TEST_ADMIN.username, password: 'not the password' },
  });
  assert.is(wrong.status, 400, wrong.text);
  assert.is(wrong.json.error, 'invalid_grant');
  const signedIn = await call(base, 'POST', '/api/v1/auth/token', {
    form: { grant_type: 'password', username: TEST_ADMIN.username, password: TEST_ADMIN.password },
  });
  assert.is(signedIn.status, 200, signedIn.text);
  const accessToken = String(signedIn.json.access_token);
  assert.is((await call(base, 'GET', '/api/v1/auth/whoami', { token: accessToken })).status, 200);
  const revoked = await call(base, 'POST', '/api/v1/auth/revoke', { form: { token: accessToken } });
  assert.is(revoked.status, 200, revoked.text);
  const afterRevoke = await call(base, 'GET', '/api/v1/auth/whoami', { token: accessToken });
  assert.is(afterRevoke.status, 401, 'the revoked token is refused');
  assert.match(afterRevoke.text, 'TOKEN_REVOKED');

  const created = await call(base, 'POST', '/api/v1/apiKeys', {
    token: admin,
    json: { apiKeyId: 'made-during-outage', apiKey: { roles: ['service'], scopes: ['registry:read'] } },
  });
  assert.is(created.status, 200, created.text);
  const key = String(created.json.secret);
  assert.is((await call(base, 'GET', '/api/v1/auth/whoami', { apiKey: key })).status, 200);
  const keyRevoked = await call(base, 'POST', '/api/v1/apiKeys/made-during-outage:revoke', {
    token: admin,
    json: {},
  });
  assert.is(keyRevoked.status, 200, keyRevoked.text);
  assert.is((await call(base, 'GET', '/api/v1/auth/whoami', { apiKey: key })).status, 401);

  assert.is(await probeHealth({ target: server.grpcTarget }), 'SERVING');
  assert.is(fallbackLines() - warnedBefore, 1, 'the switch is logged once');

  await redis.start();
  const back = await until(
    () => readiness(base),
    (r) => r.cache === 'redis',
    15_000,
  );
  assert.is(back.cache, 'redis');
});

test.run();
