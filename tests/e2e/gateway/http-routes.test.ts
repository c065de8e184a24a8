import { request as httpRequest } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../src/platform/errors/index.ts';
import { type HttpRoute, sendJson } from '../../../src/transport/gateway/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { fetchAnswer } from '../../helpers/http.ts';

/**
 * The HTTP server's route table as a user meets it: built-in routes, the REST API and routes a
 * service adds, each answered — refusals and failures included — the same way.
 */

type Json = Record<string, unknown>;
const LISTED = 'https://ui.example';
const GENERATED_ID = /^[0-9a-f]{12}-[0-9a-z]+$/;
const seen = { cancelled: undefined as unknown };

/** Answers what it was asked, so a test sees what the route was handed. */
function echo(name: string, path: string, cors: HttpRoute['cors'], methods = ['GET']): HttpRoute {
  return {
    name,
    methods,
    path,
    ...(cors === undefined ? {} : { cors }),
    handle(request, response, ctx) {
      sendJson(response, 200, {
        route: name,
        method: request.method,
        path: ctx.target.pathname,
        query: ctx.target.searchParams.get('q'),
        requestId: ctx.requestId,
      });
    },
  };
}

const failing: HttpRoute = {
  name: 'failing',
  methods: ['GET'],
  path: '/fail/*',
  async handle(_request, response, ctx) {
    switch (ctx.target.pathname) {
      case '/fail/app-error':
        throw new AppError(Code.FAILED_PRECONDITION, 'THING_NOT_READY', 'the thing is not ready yet');
      case '/fail/not-found':
        throw new AppError(Code.NOT_FOUND, 'THING_NOT_FOUND', 'no thing "x"');
      case '/fail/throw':
        throw new Error('disk on fire at /var/lib/hcs');
      case '/fail/reject':
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('peer 10.0.0.7 reset the socket');
      case '/fail/late':
        response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 100 });
        response.write('the first part');
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('the source went away midway');
      case '/fail/wait':
        // Flushed, so the client sees the headers and can walk away.
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('waiting');
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        seen.cancelled = ctx.signal.reason;
        return;
    }
  },
};

const extraRoutes: HttpRoute[] = [
  echo('hello', '/hello/*', undefined),
  echo('public', '/public', 'any'),
  echo('private', '/private', 'none'),
  echo('proxy', '/api/v1/tunnel/*', 'configured', ['*']),
  failing,
  {
    name: 'note',
    methods: ['GET'],
    path: '/note',
    handle: (_request, response) => sendJson(response, 200, { note: 'the same for GET and HEAD' }),
  },
];

let app: TestApp;

test.before(async () => {
  app = await startTestApp({ env: { HCS_CORS_ORIGINS: LISTED }, httpRoutes: extraRoutes });
});

test.after(async () => {
  await app?.close();
});

function call(method: string, path: string, headers: Record<string, string> = {}) {
  return fetchAnswer(`${app.httpBase}${path}`, { method, headers });
}

test('a service route is served with the target, the query and the request id it was sent', async () => {
  const { status, json, headers } = await call('GET', '/hello/a/b?q=1', { 'x-request-id': 'hello-1' });
  assert.is(status, 200);
  assert.equal(json, { route: 'hello', method: 'GET', path: '/hello/a/b', query: '1', requestId: 'hello-1' });
  assert.is(headers.get('x-request-id'), 'hello-1');
  const generated = await call('GET', '/hello/a');
  assert.match(String(generated.json.requestId), GENERATED_ID);
  assert.is(
    generated.headers.get('x-request-id'),
    generated.json.requestId,
    'the id it was given is the one sent',
  );
});

test('a service route below /api/ takes its prefix from the REST API: the longest prefix wins', async () => {
  const { status, json } = await call('PATCH', '/api/v1/tunnel/registry/instances');
  assert.is(status, 200);
  assert.equal([json.route, json.method], ['proxy', 'PATCH']);
});

// Every kind of route refuses the same way: status, google.rpc.Status JSON, the request id.
const refusals: [
  what: string,
  method: string,
  path: string,
  status: number,
  reason: string,
  allow?: string,
][] = [
  ['no route at all', 'GET', '/nowhere', 404, 'ROUTE_NOT_FOUND'],
  ['a built-in route, wrong method', 'POST', '/healthz', 405, 'METHOD_NOT_ALLOWED', 'GET, HEAD'],
  ['an unknown API path', 'GET', '/api/v1/nowhere', 404, 'ROUTE_NOT_FOUND'],
  ['an API route, wrong method', 'DELETE', '/api/v1/devices', 405, 'METHOD_NOT_ALLOWED', 'GET, HEAD, POST'],
  ['a service route that finds nothing', 'GET', '/fail/not-found', 404, 'THING_NOT_FOUND'],
  ['a service route, wrong method', 'DELETE', '/hello/a', 405, 'METHOD_NOT_ALLOWED', 'GET, HEAD'],
  ['a docs asset that does not exist', 'GET', '/docs/constructor', 404, 'ROUTE_NOT_FOUND'],
];

for (const [what, method, path, status, reason, allow] of refusals) {
  test(`${what}: ${status} with a google.rpc.Status body and the request id`, async () => {
    const sent = await call(method, path, { 'x-request-id': `refused-${status}` });
    assert.is(sent.status, status, sent.text);
    assert.is(sent.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.is(sent.headers.get('x-request-id'), `refused-${status}`, 'the id the client sent');
    assert.is(sent.headers.get('allow'), allow ?? null);
    assert.type(sent.json.code, 'number');
    assert.type(sent.json.message, 'string');
    const [info] = sent.json.details as Json[];
    assert.equal([info?.['@type'], info?.reason], ['type.googleapis.com/google.rpc.ErrorInfo', reason]);
    const unsent = await call(method, path, { 'x-request-id': 'not an acceptable id' });
    assert.match(unsent.headers.get('x-request-id') ?? '', GENERATED_ID, 'a new id for an unusable one');
  });
}

test('a service route that throws an AppError is answered by its code and reason', async () => {
  const { status, json, headers } = await call('GET', '/fail/app-error', { 'x-request-id': 'refused-1' });
  assert.is(status, 400, 'FAILED_PRECONDITION is 400');
  assert.is(json.message, 'the thing is not ready yet');
  assert.is((json.details as Json[])[0]?.reason, 'THING_NOT_READY');
  assert.is(headers.get('x-request-id'), 'refused-1');
  assert.not.ok(
    app.logs.some((line) => line.requestId === 'refused-1' && line.level === 'error'),
    'not logged as a fault',
  );
});

for (const [how, path, cause] of [
  ['throws', '/fail/throw', 'disk on fire'],
  ['rejects', '/fail/reject', 'reset the socket'],
] as const) {
  test(`a service route that ${how} a plain Error is 500 internal error; the cause is logged with the request id`, async () => {
    const requestId = `crash-${how}`;
    const { status, json, text, headers } = await call('GET', path, { 'x-request-id': requestId });
    assert.is(status, 500);
    assert.is(json.message, 'internal error');
    assert.not.match(text, cause);
    assert.is(headers.get('x-request-id'), requestId);
    const line = app.logs.find((entry) => entry.requestId === requestId && entry.level === 'error');
    assert.ok(line, 'an error line with the request id');
    assert.match(String((line.err as Json | undefined)?.message), cause);
  });
}

test('a service route that fails after its headers went out has its response destroyed', async () => {
  const outcome = await new Promise<string>((resolve) => {
    const request = httpRequest(`${app.httpBase}/fail/late`, (response) => {
      response.on('data', () => {});
      response.on('end', () => resolve('complete'));
      response.on('error', () => resolve('destroyed'));
      response.on('aborted', () => resolve('destroyed'));
    });
    request.on('error', () => resolve('destroyed'));
    request.end();
  });
  assert.is(outcome, 'destroyed', 'the client never takes a truncated body for a whole one');
});

test('a service route is told when its client goes away', async () => {
  const controller = new AbortController();
  const response = await fetch(`${app.httpBase}/fail/wait`, { signal: controller.signal });
  assert.is(response.status, 200);
  controller.abort();
  for (let tries = 0; seen.cancelled === undefined && tries < 100; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.instance(seen.cancelled, AppError);
  assert.is((seen.cancelled as AppError).code, Code.CANCELLED);
});

// cors: 'configured' follows HCS_CORS_ORIGINS, 'any' answers every origin with *, 'none' never.
const corsCases: [path: string, origin: string, allowed: string | null][] = [
  ['/hello/a', LISTED, LISTED],
  ['/hello/a', 'https://evil.example', null],
  ['/public', 'https://evil.example', '*'],
  ['/private', LISTED, null],
];

for (const [path, origin, allowed] of corsCases) {
  test(`CORS on ${path} from ${origin}: ${allowed ?? 'not allowed'}`, async () => {
    const { headers } = await call('GET', path, { origin });
    assert.is(headers.get('access-control-allow-origin'), allowed);
  });
}

test('a preflight answers with the methods of the path, or is refused where CORS is off', async () => {
  const preflight = (path: string) =>
    call('OPTIONS', path, {
      origin: LISTED,
      'access-control-request-method': 'GET',
      'x-request-id': 'pre-1',
    });
  const hello = await preflight('/hello/a');
  assert.is(hello.status, 204);
  assert.is(hello.headers.get('access-control-allow-methods'), 'GET, HEAD');
  assert.is(hello.headers.get('x-request-id'), 'pre-1');
  const api = await preflight('/api/v1/devices/d1');
  assert.is(api.headers.get('access-control-allow-methods'), 'DELETE, GET, HEAD, PATCH');
  const closed = await preflight('/private');
  assert.is(closed.status, 405);
  assert.is(closed.headers.get('access-control-allow-origin'), null);
});

test('HEAD on a GET route answers the GET’s status and headers with no body, for every kind of route', async () => {
  const authorization = `Bearer ${await app.adminToken()}`;
  for (const path of ['/api/v1/auth/whoami', '/note', '/healthz', '/api/v1/openapi.json', '/docs']) {
    const get = await call('GET', path, { authorization, 'x-request-id': 'head-1' });
    const head = await call('HEAD', path, { authorization, 'x-request-id': 'head-1' });
    assert.is(get.status, 200, path);
    assert.is(get.headers.get('x-request-id'), 'head-1', `${path}: every answer quotes the request id`);
    assert.is(head.status, get.status, path);
    assert.is(head.text, '', path);
    for (const name of ['content-type', 'content-length', 'cache-control', 'x-request-id']) {
      assert.is(head.headers.get(name), get.headers.get(name), `${path}: ${name}`);
    }
  }
});

const conflicting: [what: string, routes: HttpRoute[], message: RegExp][] = [
  [
    'a service route over REST routes',
    [echo('devices', '/api/v1/devices/*', undefined)],
    /"devices" \(GET \/api\/v1\/devices\/\*\) would shadow built-in route "REST API".*: [A-Z]+ \/api\/v1\/\{name=devices\/\*\} of \/hcs\.v1\.DeviceService\//,
  ],
  [
    'a service route at a built-in path',
    [echo('my health', '/healthz', undefined)],
    /"my health" \(GET \/healthz\) .*built-in route "liveness" \(GET \/healthz\)/,
  ],
  [
    'two service routes for the same method and path',
    [echo('one', '/x', undefined), echo('two', '/x', undefined)],
    /"two" \(GET \/x\) conflicts with "one" \(GET \/x\)/,
  ],
];

for (const [what, routes, message] of conflicting) {
  test(`the app refuses to start with ${what}, naming both routes`, async () => {
    try {
      const started = await startTestApp({ httpRoutes: routes });
      await started.close();
      assert.unreachable('started');
    } catch (error) {
      assert.match((error as Error).message, message);
    }
  });
}

test.run();
