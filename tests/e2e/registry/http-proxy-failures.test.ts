import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  echoHandler,
  endpoint,
  freePort,
  type ProxyApp,
  startProxyApp,
  startUpstream,
  type Upstream,
} from './proxy-fixtures.ts';

/**
 * What the proxy answers when instances fail: 503 with none, 502 when the connection fails,
 * 504 on a response timeout, retries only for idempotent methods and only before anything was
 * sent, ejection of a failing instance with a half-open probe, and an instance breaking off
 * mid-response cuts that response and nothing else.
 */

type Status = {
  code: number;
  message: string;
  details: { reason?: string; metadata?: Record<string, string> }[];
};

let proxy: ProxyApp;
let alive: Upstream;
const upstreams: Upstream[] = [];

test.before(async () => {
  proxy = await startProxyApp({
    env: { HCS_PROXY_RESPONSE_TIMEOUT_MS: '5000' },
    ejection: { consecutiveFailures: 2, baseEjectionMs: 6000 },
  });
  alive = await startUpstream(echoHandler('alive'));
  upstreams.push(alive);
});
test.after(async () => {
  await proxy?.close();
  for (const upstream of upstreams) await upstream.close();
});

async function failure(
  response: Response,
): Promise<{ status: number; reason: string; cause: string; body: Status }> {
  const body = (await response.json()) as Status;
  const info = body.details.find((detail) => detail.reason !== undefined);
  return { status: response.status, reason: info?.reason ?? '', cause: info?.metadata?.cause ?? '', body };
}

async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

test('a service without a healthy HTTP instance is 503 NO_HEALTHY_INSTANCE', async () => {
  const answer = await failure(await proxy.proxyFetch('nobody/x'));
  assert.is(answer.status, 503);
  assert.is(answer.reason, 'NO_HEALTHY_INSTANCE');
  assert.match(answer.body.message, /service "nobody" has no healthy HTTP instance/);
  assert.is(answer.body.code, 14);
});

test('a refused connection is 502 BAD_GATEWAY naming the instance and the cause', async () => {
  proxy.endpoints.set('refusing', [endpoint('refused-1', await deadUrl())]);
  const answer = await failure(await proxy.proxyFetch('refusing/x'));
  assert.is(answer.status, 502);
  assert.is(answer.reason, 'BAD_GATEWAY');
  assert.is(answer.cause, 'connect_failed');
  assert.match(answer.body.message, /services\/test\/instances\/refused-1/);
});

test('an idempotent request moves to another instance when the connection fails', async () => {
  proxy.endpoints.set('half-dead', [endpoint('dead-a', await deadUrl()), endpoint('alive-a', alive.url)]);
  for (const method of ['GET', 'PUT', 'DELETE', 'GET']) {
    const response = await proxy.proxyFetch('half-dead/r', {
      method,
      ...(method === 'PUT' ? { body: 'x' } : {}),
    });
    assert.is(response.status, 200, `${method}: ${await response.clone().text()}`);
    assert.is(((await response.json()) as { name: string }).name, 'alive');
  }
});

test('a POST is never retried: one of two lands on the dead instance and is 502', async () => {
  proxy.endpoints.set('half-dead-post', [
    endpoint('dead-p', await deadUrl()),
    endpoint('alive-p', alive.url),
  ]);
  const before = alive.seen.filter((seen) => seen.method === 'POST').length;
  const statuses: number[] = [];
  for (let index = 0; index < 2; index += 1) {
    const response = await proxy.proxyFetch('half-dead-post/r', { method: 'POST', body: 'once' });
    statuses.push(response.status);
    await response.arrayBuffer();
  }
  assert.equal([...statuses].sort(), [200, 502]);
  assert.is(alive.seen.filter((seen) => seen.method === 'POST').length, before + 1);
});

test('no response headers within the response timeout is 504, and is not retried', async () => {
  const silent = await startUpstream(() => {
    // Reads the request and never answers.
  });
  const silent2 = await startUpstream(() => {});
  upstreams.push(silent, silent2);
  proxy.endpoints.set('silent', [endpoint('silent-1', silent.url), endpoint('silent-2', silent2.url)]);
  const answer = await failure(await proxy.proxyFetch('silent/x'));
  assert.is(answer.status, 504);
  assert.is(answer.reason, 'UPSTREAM_TIMEOUT');
  assert.is(answer.cause, 'response_timeout');
  assert.is(silent.seen.length + silent2.seen.length, 1, 'sent once, not retried');
});

test('an instance that closes the connection before answering is 502 upstream_failed', async () => {
  const rude = await startUpstream((request) => request.socket.destroy());
  upstreams.push(rude);
  proxy.endpoints.set('rude', [endpoint('rude-1', rude.url)]);
  const answer = await failure(await proxy.proxyFetch('rude/x', { method: 'POST', body: 'hello' }));
  assert.is(answer.status, 502);
  assert.is(answer.reason, 'BAD_GATEWAY');
  assert.ok(['upstream_failed', 'connect_failed'].includes(answer.cause), answer.cause);
});

test('a public address is refused even when registered; an idempotent request tries the next', async () => {
  proxy.endpoints.set('public', [endpoint('public-1', 'http://93.184.216.34:80')]);
  const answer = await failure(await proxy.proxyFetch('public/x', { method: 'POST', body: 'x' }));
  assert.is(answer.status, 502);
  assert.is(answer.cause, 'address_not_allowed');
  assert.match(answer.body.message, /93\.184\.216\.34 is outside HCS_PROXY_ALLOWED_NETWORKS/);
  proxy.endpoints.set('public-and-private', [
    endpoint('public-2', 'http://[2606:4700::1111]:80'),
    endpoint('private-2', alive.url),
  ]);
  for (let index = 0; index < 3; index += 1) {
    const response = await proxy.proxyFetch('public-and-private/x');
    assert.is(response.status, 200);
    await response.arrayBuffer();
  }
  proxy.endpoints.set('metadata', [endpoint('metadata-1', 'http://169.254.169.254/latest/meta-data/')]);
  assert.is((await failure(await proxy.proxyFetch('metadata/x'))).cause, 'address_not_allowed');
});

test('an instance that breaks off mid-response cuts that response; hcs stays healthy', async () => {
  const dying = await startUpstream((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1_000_000 });
    response.write(Buffer.alloc(64 * 1024, 1), () => setTimeout(() => response.socket?.destroy(), 50));
  });
  upstreams.push(dying);
  proxy.endpoints.set('dying', [endpoint('dying-1', dying.url)]);
  const response = await proxy.proxyFetch('dying/download');
  assert.is(response.status, 200);
  let cut = false;
  try {
    await response.arrayBuffer();
  } catch {
    cut = true;
  }
  assert.ok(cut, 'the client sees the stream end early');
  const health = await fetch(`${proxy.app.httpBase}/healthz`);
  assert.is(health.status, 200);
  proxy.endpoints.set('after', [endpoint('after-1', alive.url)]);
  assert.is((await proxy.proxyFetch('after/x')).status, 200);
  assert.ok(proxy.app.logs.some((line) => String(line.msg).includes('broke off its response')));
});

test('an instance that keeps failing is ejected, then probed by one request, and back when it answers', async () => {
  const port = await freePort();
  const flaky = endpoint('flaky', `http://127.0.0.1:${port}`);
  proxy.endpoints.set('flaky-service', [flaky, endpoint('steady', alive.url)]);
  const attemptsOnFlaky = () =>
    proxy.app.logs.filter((line) => String(line.msg).startsWith(`proxy: ${flaky.instance}:`)).length;
  // Two failures in a row eject it (each request still succeeds on the steady instance).
  for (let index = 0; index < 4; index += 1)
    assert.is((await proxy.proxyFetch('flaky-service/x')).status, 200);
  assert.is(attemptsOnFlaky(), 2, 'tried twice, then left out');
  for (let index = 0; index < 4; index += 1)
    assert.is((await proxy.proxyFetch('flaky-service/x')).status, 200);
  assert.is(attemptsOnFlaky(), 2, 'no traffic while ejected');
  const back = await startUpstream(echoHandler('flaky'), port);
  upstreams.push(back);
  // After the ejection ends one request probes it; its success brings it back.
  const deadline = Date.now() + 30_000;
  while (back.seen.length === 0 && Date.now() < deadline) {
    await (await proxy.proxyFetch('flaky-service/x')).arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.is(back.seen.length, 1, 'probed');
  const names = new Set<string>();
  for (let index = 0; index < 4; index += 1)
    names.add(((await (await proxy.proxyFetch('flaky-service/x')).json()) as { name: string }).name);
  assert.equal([...names].sort(), ['alive', 'flaky'], 'back in the rotation');
});

test('when every instance is ejected the answer is 503 with Retry-After', async () => {
  proxy.endpoints.set('all-dead', [endpoint('all-dead-1', await deadUrl())]);
  assert.is((await proxy.proxyFetch('all-dead/x')).status, 502);
  assert.is((await proxy.proxyFetch('all-dead/x')).status, 502);
  const response = await proxy.proxyFetch('all-dead/x');
  const answer = await failure(response);
  assert.is(answer.status, 503);
  assert.is(answer.reason, 'NO_HEALTHY_INSTANCE');
  assert.match(answer.body.message, /every HTTP instance of service "all-dead" is failing/);
  assert.ok(Number(response.headers.get('retry-after')) >= 1);
});

test.run();
