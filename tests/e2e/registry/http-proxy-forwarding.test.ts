import { request as httpRequest } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  echoHandler,
  endpoint,
  type ProxyApp,
  startProxyApp,
  startUpstream,
  type Upstream,
} from './proxy-fixtures.ts';

/**
 * The registry's HTTP proxy as a caller meets it: every method reaches a real upstream with
 * its path, query and body; headers are rewritten as documented; credentials and paths are
 * guarded; the route is in the OpenAPI document.
 */

let proxy: ProxyApp;
let plain: Upstream;
let trusting: Upstream;

test.before(async () => {
  proxy = await startProxyApp();
  plain = await startUpstream(echoHandler('plain'));
  trusting = await startUpstream(echoHandler('trusting'));
  proxy.endpoints.set('orders', [endpoint('o1', `${plain.url}/base/`)]);
  proxy.endpoints.set('trusting', [endpoint('t1', trusting.url, true)]);
});
test.after(async () => {
  await proxy?.close();
  await plain?.close();
  await trusting?.close();
});

type Echo = { name: string; method: string; url: string; headers: Record<string, string>; body: string };

for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
  test(`${method} is forwarded with its path below the base path, query and body`, async () => {
    const withBody = method !== 'GET' && method !== 'OPTIONS';
    const response = await proxy.proxyFetch('orders/items/42?expand=lines&q=a%20b&q=c', {
      method,
      ...(withBody ? { body: `payload of ${method}`, headers: { 'content-type': 'text/plain' } } : {}),
    });
    assert.is(response.status, 200);
    assert.is(response.headers.get('x-upstream'), 'plain');
    const echo = (await response.json()) as Echo;
    assert.is(echo.method, method);
    assert.is(echo.url, '/base/items/42?expand=lines&q=a%20b&q=c');
    assert.is(echo.body, withBody ? `payload of ${method}` : '');
  });
}

test('HEAD is forwarded and answered without a body', async () => {
  const response = await proxy.proxyFetch('orders/x', { method: 'HEAD' });
  assert.is(response.status, 200);
  assert.is(response.headers.get('x-upstream'), 'plain');
  assert.is(await response.text(), '');
  assert.is(plain.seen.at(-1)?.method, 'HEAD');
});

test('the service root and a trailing slash map to the base path', async () => {
  const root = (await (await proxy.proxyFetch('orders')).json()) as Echo;
  assert.is(root.url, '/base');
  const slash = (await (await proxy.proxyFetch('orders/')).json()) as Echo;
  assert.is(slash.url, '/base/');
});

test('the instance status, headers and body come back as sent; its cookies and CORS headers do not', async () => {
  const custom = await startUpstream((_request, response) => {
    response.writeHead(418, 'Short And Stout', {
      'content-type': 'text/teapot',
      'x-many': ['one', 'two'],
      'set-cookie': 'session=upstream',
      'access-control-allow-origin': 'https://evil.example',
      'x-request-id': 'upstream-id',
      connection: 'x-secret-hop',
      'x-secret-hop': 'hop value',
    });
    response.end('short and stout');
  });
  proxy.endpoints.set('teapot', [endpoint('tea', custom.url)]);
  try {
    const response = await proxy.proxyFetch('teapot/brew', { headers: { 'x-request-id': 'client-id-1' } });
    assert.is(response.status, 418);
    assert.is(response.statusText, 'Short And Stout');
    assert.is(await response.text(), 'short and stout');
    assert.is(response.headers.get('content-type'), 'text/teapot');
    assert.is(response.headers.get('x-many'), 'one, two');
    assert.is(response.headers.get('set-cookie'), null);
    assert.is(response.headers.get('access-control-allow-origin'), null);
    assert.is(response.headers.get('x-secret-hop'), null);
    assert.is(response.headers.get('x-request-id'), 'client-id-1');
  } finally {
    await custom.close();
  }
});

test('hop-by-hop headers, those Connection names and hcs credentials are removed; forwarding headers added', async () => {
  // node's fetch refuses to send Connection and friends, so this request is written by hand.
  const echo = await new Promise<Echo>((resolve, reject) => {
    const request = httpRequest(`${proxy.app.httpBase}/api/v1/proxy/orders/h`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${proxy.token}`,
        cookie: 'hcs_session=secret',
        connection: 'keep-alive, X-Drop-Me',
        'x-drop-me': 'gone',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic cHJveHk6cHJveHk=',
        te: 'trailers',
        trailer: 'x-checksum',
        upgrade: 'websocket',
        'x-forwarded-for': '203.0.113.9',
        'x-forwarded-host': 'spoofed.example',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        tracestate: 'vendor=1',
        'x-request-id': 'req-abc',
        'x-kept': 'kept',
        host: 'edge-01.example:8080',
      },
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString()) as Echo));
    });
    request.on('error', reject);
    request.end('body');
  });
  const h = echo.headers;
  for (const name of [
    'authorization',
    'cookie',
    'x-drop-me',
    'keep-alive',
    'proxy-authorization',
    'te',
    'trailer',
    'upgrade',
  ])
    assert.is(h[name], undefined, name);
  assert.is(h['x-kept'], 'kept');
  assert.is(h['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
  assert.is(h['x-forwarded-proto'], 'http');
  assert.is(h['x-forwarded-host'], 'edge-01.example:8080');
  assert.is(h.host, `127.0.0.1:${plain.port}`);
  assert.is(h['x-request-id'], 'req-abc');
  assert.match(h.traceparent ?? '', /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  assert.is.not(
    h.traceparent,
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'the proxy is a hop',
  );
  assert.is(h.tracestate, 'vendor=1');
  assert.is(echo.body, 'body');
});

test('a request without a valid traceparent starts a trace; its tracestate is dropped', async () => {
  const response = await proxy.proxyFetch('orders/t', {
    headers: { traceparent: 'garbage', tracestate: 'x=1' },
  });
  const echo = (await response.json()) as Echo;
  assert.match(echo.headers.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.is(echo.headers.tracestate, undefined);
  assert.ok(echo.headers['x-request-id'], 'the request id hcs gave it');
  assert.is(echo.headers['x-request-id'], response.headers.get('x-request-id'));
});

test('an instance that opted in receives the credentials and may set cookies', async () => {
  const response = await proxy.proxyFetch('trusting/me', { headers: { cookie: 'a=b' } });
  const echo = (await response.json()) as Echo;
  assert.is(echo.headers.authorization, `Bearer ${proxy.token}`);
  assert.is(echo.headers.cookie, 'a=b');
  const byKey = await fetch(`${proxy.app.httpBase}/api/v1/proxy/orders/k`, {
    headers: { authorization: `Bearer ${proxy.token}`, 'x-api-key': 'hcs_ak_0123456789abcdef_secret' },
  });
  assert.is(
    ((await byKey.json()) as Echo).headers['x-api-key'],
    undefined,
    'not to an instance that did not',
  );
  const baker = await startUpstream((_request, response) => {
    response.writeHead(204, { 'set-cookie': ['a=1; HttpOnly', 'b=2'] });
    response.end();
  });
  try {
    proxy.endpoints.set('baker', [endpoint('baker-1', baker.url, true)]);
    const baked = await proxy.proxyFetch('baker/x');
    assert.equal(baked.headers.getSetCookie(), ['a=1; HttpOnly', 'b=2']);
  } finally {
    await baker.close();
  }
});

const badPaths: [what: string, path: string, reason: string, field: string][] = [
  ['an encoded slash', 'orders/a%2F..%2F..%2Fadmin', 'PROXY_PATH_INVALID', 'path'],
  ['an encoded lower-case slash', 'orders/a%2fb', 'PROXY_PATH_INVALID', 'path'],
  ['an encoded backslash', 'orders/a%5C..%5Cadmin', 'PROXY_PATH_INVALID', 'path'],
  ['an encoded NUL', 'orders/a%00.txt', 'PROXY_PATH_INVALID', 'path'],
  ['a double-encoded dot segment', 'orders/%252e%252e/x', 'PROXY_PATH_INVALID', 'path'],
  ['an empty service', '/x', 'PROXY_SERVICE_INVALID', 'service'],
  ['a service with a quote', "ord'ers/x", 'PROXY_SERVICE_INVALID', 'service'],
  ['an encoded slash in the service', 'orders%2Fx/y', 'PROXY_SERVICE_INVALID', 'service'],
  ['an over-long service name', `${'s'.repeat(200)}/x`, 'PROXY_SERVICE_INVALID', 'service'],
];
for (const [what, path, reason, field] of badPaths) {
  test(`${what} is refused with 400 naming the field, and nothing is forwarded`, async () => {
    const before = plain.seen.length;
    const response = await proxy.proxyFetch(path);
    const body = (await response.json()) as {
      message: string;
      details: { reason?: string; fieldViolations?: { field: string }[] }[];
    };
    assert.is(response.status, 400, JSON.stringify(body));
    assert.ok(
      body.details.some((detail) => detail.reason === reason),
      JSON.stringify(body),
    );
    assert.ok(body.details.some((detail) => detail.fieldViolations?.[0]?.field === field));
    assert.is(plain.seen.length, before);
  });
}

test('dot segments are resolved before routing, so they never climb above the base path', async () => {
  // Written by hand: fetch would resolve the dots itself.
  const url = await new Promise<string>((resolve, reject) => {
    const request = httpRequest(`${proxy.app.httpBase}/api/v1/proxy/orders/a/%2e%2e/b/./c`, {
      headers: { authorization: `Bearer ${proxy.token}` },
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString()) as Echo).url));
    });
    request.on('error', reject);
    request.end();
  });
  assert.is(url, '/base/b/c');
});

test('CONNECT and TRACE are not forwarded', async () => {
  const response = await proxy.proxyFetch('orders/x', { method: 'TRACE' }).catch(() => undefined);
  // fetch refuses TRACE itself; the raw request proves the server's answer.
  const status = await new Promise<number>((resolve, reject) => {
    const request = httpRequest(`${proxy.app.httpBase}/api/v1/proxy/orders/x`, {
      method: 'TRACE',
      headers: { authorization: `Bearer ${proxy.token}` },
    });
    request.on('response', (answer) => {
      answer.resume();
      resolve(answer.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
  assert.is(response, undefined);
  assert.is(status, 405);
});

test('callers without credentials get 401, without the scope 403, and nothing is forwarded', async () => {
  const before = plain.seen.length;
  const anonymous = await fetch(`${proxy.app.httpBase}/api/v1/proxy/orders/x`);
  assert.is(anonymous.status, 401);
  assert.ok(anonymous.headers.get('www-authenticate'));
  const reader = proxy.app.mintToken({
    subject: 'users/r',
    roles: ['admin'],
    scopes: ['registry:read', 'registry:write'],
  });
  const denied = await fetch(`${proxy.app.httpBase}/api/v1/proxy/orders/x`, {
    headers: { authorization: `Bearer ${reader}` },
  });
  assert.is(denied.status, 403);
  assert.match(((await denied.json()) as { message: string }).message, /needs the scopes registry:proxy/);
  assert.is(plain.seen.length, before);
});

test('the proxy is in the OpenAPI document, with every method and its scope', async () => {
  const document = (await (await fetch(`${proxy.app.httpBase}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { security: unknown; responses: Record<string, unknown> }>>;
  };
  const path = document.paths['/api/v1/proxy/{service}/{path}'];
  assert.equal(Object.keys(path ?? {}).sort(), ['delete', 'get', 'head', 'options', 'patch', 'post', 'put']);
  assert.equal(path?.get?.security, [{ oauth2: ['registry:proxy'] }, { bearer: [] }, { apiKey: [] }]);
  for (const code of ['401', '403', '502', '503', '504']) assert.ok(path?.post?.responses[code], code);
});

test.run();
