import { Agent, createServer, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAddressGuard, parseCidr } from '../../../../src/platform/net/index.ts';
import {
  ForwardFailure,
  forwardAttempt,
} from '../../../../src/services/registry/http-proxy/forward-attempt.ts';
import { guardedLookup } from '../../../../src/services/registry/http-proxy/guarded-lookup.ts';
import { createOutlierEjection } from '../../../../src/services/registry/http-proxy/outlier-ejection.ts';
import { parseProxyTarget, upstreamPathOf } from '../../../../src/services/registry/http-proxy/proxy-path.ts';

const agents = { http: new Agent({ keepAlive: false }), https: new HttpsAgent({ keepAlive: false }) };

// A body-less client request: only its headers and its (empty) stream are read.
function emptyBody(): IncomingMessage {
  const body = new PassThrough() as unknown as IncomingMessage;
  Object.assign(body, { headers: {} });
  (body as unknown as PassThrough).end();
  return body;
}

function attempt(
  url: string,
  options: { networks: string[]; lookup?: LookupFunction; connectTimeoutMs?: number },
) {
  const guard = createAddressGuard(options.networks.map(parseCidr));
  return forwardAttempt(
    {
      base: new URL(url),
      method: 'GET',
      path: '/',
      headers: [],
      body: emptyBody(),
      guard,
      lookup: options.lookup ?? guardedLookup(guard),
      agents,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      responseTimeoutMs: 5000,
    },
    () => {},
  );
}

async function failureOf(pending: Promise<unknown>): Promise<ForwardFailure> {
  try {
    await pending;
  } catch (error) {
    assert.instance(error, ForwardFailure);
    return error as ForwardFailure;
  }
  throw new Error('the attempt should have failed');
}

test('no connection within the connect timeout is connect_timeout (a name whose lookup never answers)', async () => {
  const never: LookupFunction = () => {};
  const failure = await failureOf(
    attempt('http://stalled.test:80', { networks: ['127.0.0.0/8'], lookup: never, connectTimeoutMs: 200 }),
  );
  assert.is(failure.failure, 'connect_timeout');
  assert.is(failure.bodyStarted, false);
  assert.match(failure.message, /no connection within 200 ms/);
});

test('a host name is checked against the networks at connect time: localhost outside them is refused', async () => {
  const server = createServer((_request, response) => response.end('reached'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const refused = await failureOf(attempt(`http://localhost:${port}/`, { networks: ['10.0.0.0/8'] }));
    assert.is(refused.failure, 'address_not_allowed');
    assert.match(refused.message, /localhost \((127\.0\.0\.1|::1)\) is outside HCS_PROXY_ALLOWED_NETWORKS/);
    const literal = await failureOf(attempt(`http://[::1]:${port}/`, { networks: ['10.0.0.0/8'] }));
    assert.is(literal.failure, 'address_not_allowed');
    const allowed = await attempt(`http://localhost:${port}/`, { networks: ['127.0.0.0/8', '::1/128'] });
    assert.is(allowed.response.statusCode, 200);
    allowed.response.resume();
  } finally {
    server.close();
  }
});

test('a name resolving to allowed and refused addresses yields only the allowed ones, all or first', async () => {
  const guard = createAddressGuard(['127.0.0.0/8'].map(parseCidr));
  const answers = [
    { address: '10.0.0.7', family: 4 },
    { address: '127.0.0.5', family: 4 },
    { address: '169.254.169.254', family: 4 },
    { address: '127.0.0.9', family: 4 },
  ];
  const mixed = ((_name: string, _options: unknown, callback: (e: null, a: typeof answers) => void) =>
    callback(null, answers)) as unknown as typeof import('node:dns').lookup;
  const lookupAllowed = guardedLookup(guard, mixed);
  const resolve = (all: boolean) =>
    new Promise<unknown[]>((done, fail) =>
      lookupAllowed('mixed.test', { all }, (error, address, family) =>
        error === null ? done([address, family]) : fail(error),
      ),
    );
  // What net.connect asks for when it races address families (Node's default): every address.
  assert.equal(await resolve(true), [
    [
      { address: '127.0.0.5', family: 4 },
      { address: '127.0.0.9', family: 4 },
    ],
    undefined,
  ]);
  assert.equal(await resolve(false), ['127.0.0.5', 4]);
});

test('an instance is ejected after consecutive failures, probed once when the ejection ends, doubled on failure', () => {
  let now = 0;
  const ejection = createOutlierEjection({
    consecutiveFailures: 2,
    baseEjectionMs: 100,
    maxEjectionMs: 300,
    now: () => now,
  });
  assert.ok(ejection.admit('a'));
  ejection.failed('a');
  ejection.succeeded('a');
  ejection.failed('a');
  assert.ok(ejection.admit('a'), 'a success resets the count');
  ejection.failed('a');
  assert.not.ok(ejection.admit('a'), 'ejected after two in a row');
  assert.is(ejection.nextProbeInMs(['a']), 100);
  assert.is(ejection.nextProbeInMs(['a', 'b']), undefined, 'b is fine');
  now = 100;
  assert.ok(ejection.admit('a'), 'the probe');
  assert.not.ok(ejection.admit('a'), 'one probe at a time');
  ejection.failed('a');
  now = 250;
  assert.not.ok(ejection.admit('a'), 'ejected for twice as long');
  now = 300;
  assert.ok(ejection.admit('a'));
  ejection.released('a');
  assert.ok(ejection.admit('a'), 'a probe that proved nothing lets the next request probe');
  ejection.failed('a');
  now = 300 + 299;
  assert.not.ok(ejection.admit('a'), 'capped at maxEjectionMs');
  now = 300 + 300;
  assert.ok(ejection.admit('a'));
  ejection.succeeded('a');
  assert.ok(ejection.admit('a'));
  assert.ok(ejection.admit('a'), 'back to normal');
});

const joins: [base: string, pathname: string, search: string, expected: string][] = [
  ['http://h/', '/api/v1/proxy/s/a/b', '?x=1', '/a/b?x=1'],
  ['http://h', '/api/v1/proxy/s', '', '/'],
  ['http://h/base', '/api/v1/proxy/s/a', '', '/base/a'],
  ['http://h/base/', '/api/v1/proxy/s/', '', '/base/'],
  ['http://h/base/', '/api/v1/proxy/s/%E2%82%AC', '?q=%20', '/base/%E2%82%AC?q=%20'],
  ['http://h/base/', '/api/v1/proxy/s/a..b/.well-known', '', '/base/a..b/.well-known'],
];
for (const [base, pathname, search, expected] of joins) {
  test(`${pathname}${search} below ${base} is ${expected}`, () => {
    const target = parseProxyTarget(pathname);
    assert.is(target.service, 's');
    assert.is(upstreamPathOf(new URL(base), target.path, search), expected);
  });
}

test.run();
