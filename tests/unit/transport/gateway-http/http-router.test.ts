import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type BuiltinHttpRoute,
  createHttpRouter,
  type HttpRouter,
} from '../../../../src/transport/gateway/http-router.ts';
import type { HttpRoute } from '../../../../src/transport/gateway/index.ts';

/** A route that does nothing; tests tell routes apart by identity. */
function route(methods: string[], path: string, more: Partial<BuiltinHttpRoute> = {}): BuiltinHttpRoute {
  return { methods, path, handle() {}, ...more };
}

/** Which route answers `method path`: the route, 'none' (404) or '405 <Allow>'. */
function answer(router: HttpRouter, method: string, path: string): BuiltinHttpRoute | string {
  const routes = router.find(path);
  if (routes === undefined) return 'none';
  return routes.route(method) ?? `405 ${routes.allowed(path).join(', ')}`;
}

const health = route(['GET'], '/healthz');
const files = route(['GET'], '/files/*');
const privateFiles = route(['GET', 'PUT'], '/files/private/*');
const readme = route(['GET'], '/files/readme');
const upload = route(['POST'], '/files/readme');
const headOnly = route(['HEAD'], '/files/private/head');
const everything = route(['*'], '/any/*');
const router = createHttpRouter({
  builtin: [health],
  extra: [files, privateFiles, readme, upload, headOnly, everything],
});

const cases: [method: string, path: string, expected: BuiltinHttpRoute | string, why: string][] = [
  ['GET', '/healthz', health, 'an exact path'],
  ['GET', '/healthz/', 'none', 'an exact path is not a prefix'],
  ['GET', '/files/readme', readme, 'an exact path wins over a prefix it is below'],
  ['POST', '/files/readme', upload, 'several routes share an exact path, one method each'],
  ['GET', '/files/notes.txt', files, 'a prefix takes the paths below it'],
  ['GET', '/files/a/b/c', files, 'at any depth'],
  ['GET', '/files', 'none', 'a prefix does not take its bare base'],
  ['GET', '/filesystem', 'none', 'a prefix matches whole segments'],
  ['GET', '/files/private/key', privateFiles, 'the longest prefix wins'],
  ['PUT', '/files/private/key', privateFiles, 'for each of its methods'],
  ['HEAD', '/healthz', health, 'HEAD is served by the GET route'],
  ['HEAD', '/files/private/key', privateFiles, 'below a prefix too'],
  ['HEAD', '/files/private/head', headOnly, 'a route declaring HEAD serves it itself'],
  ['POST', '/healthz', '405 GET, HEAD', 'another method is 405, Allow listing HEAD with GET'],
  ['DELETE', '/files/readme', '405 GET, HEAD, POST', 'Allow lists every route of the path'],
  ['PUT', '/files/notes.txt', '405 GET, HEAD', 'the longest prefix answers alone: no fallback'],
  ['TRACE', '/any/thing', everything, 'a route taking every method'],
  ['GET', '/nowhere', 'none', 'no route'],
];

for (const [method, path, expected, why] of cases) {
  test(`${method} ${path}: ${why}`, () => {
    assert.is(answer(router, method, path), expected);
  });
}

test('a route taking every method tells its own methods for a path, or the common ones', () => {
  const told = createHttpRouter({
    builtin: [route(['*'], '/api/*', { methodsAt: (path) => (path === '/api/a' ? ['POST'] : []) })],
  });
  assert.equal(told.find('/api/a')?.allowed('/api/a'), ['POST']);
  assert.equal(router.find('/any/x')?.allowed('/any/x'), ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
});

test('the CORS setting of a path is its routes’ (default: configured)', () => {
  const cors = createHttpRouter({
    builtin: [route(['GET'], '/keys', { cors: 'any' })],
    extra: [route(['GET'], '/x/*')],
  });
  assert.is(cors.find('/keys')?.cors, 'any');
  assert.is(cors.find('/x/y')?.cors, 'configured');
});

const api = route(['*'], '/api/*', {
  name: 'REST API',
  served: (path, below) =>
    path.startsWith('/api/v1/devices') ? `GET /api/v1/devices (below: ${below})` : undefined,
});

const conflicts: [why: string, builtin: BuiltinHttpRoute[], extra: HttpRoute[], message: string][] = [
  [
    'the same method and path twice',
    [],
    [route(['GET'], '/x', { name: 'first' }), route(['POST', 'GET'], '/x', { name: 'second' })],
    'HTTP route "second" (POST,GET /x) conflicts with "first" (GET /x): both serve GET',
  ],
  [
    'the same method and prefix twice',
    [],
    [route(['GET'], '/x/*'), route(['GET'], '/x/*')],
    'HTTP route GET /x/* conflicts with GET /x/*: both serve GET',
  ],
  [
    'every method next to one method',
    [],
    [route(['PUT'], '/x/*', { name: 'upload' }), route(['*'], '/x/*', { name: 'proxy' })],
    'HTTP route "proxy" (* /x/*) conflicts with "upload" (PUT /x/*): both serve *',
  ],
  [
    'a service route at a built-in path, even with another method',
    [health],
    [route(['POST'], '/healthz', { name: 'poke' })],
    'HTTP route "poke" (POST /healthz) is declared at the path of built-in route GET /healthz',
  ],
  [
    'a service route below a built-in prefix that serves everything below it',
    [route(['GET'], '/docs/*', { name: 'docs' })],
    [route(['GET'], '/docs/mine.js', { name: 'mine' })],
    'HTTP route "mine" (GET /docs/mine.js) would shadow built-in route "docs" (GET /docs/*)',
  ],
  [
    'a service prefix below a built-in prefix where that prefix serves something',
    [api],
    [route(['*'], '/api/v1/devices/*', { name: 'device proxy' })],
    'HTTP route "device proxy" (* /api/v1/devices/*) would shadow built-in route "REST API" (* /api/*): ' +
      'GET /api/v1/devices (below: true)',
  ],
  [
    'a service path below a built-in prefix where that prefix serves it',
    [api],
    [route(['GET'], '/api/v1/devices', { name: 'devices' })],
    'GET /api/v1/devices (below: false)',
  ],
  [
    'routes of one path that disagree on CORS',
    [],
    [route(['GET'], '/x', { cors: 'any' }), route(['POST'], '/x')],
    'HTTP routes POST /x and GET /x share a path but not their CORS setting (configured and any)',
  ],
  ['a path without its leading slash', [], [route(['GET'], 'x')], 'HTTP route GET x: the path must be plain'],
  ['a wildcard inside a path', [], [route(['GET'], '/a/*/b')], 'the path must be plain'],
  ['an empty segment', [], [route(['GET'], '/a//b')], 'the path must be plain'],
  ['a percent-encoded path', [], [route(['GET'], '/a%20b')], 'the path must be plain'],
  ['no method', [], [route([], '/x')], 'methods must be upper-case HTTP methods'],
  ['a lower-case method', [], [route(['get'], '/x')], 'methods must be upper-case HTTP methods'],
  ['every method with another', [], [route(['*', 'GET'], '/x')], 'or ["*"] alone'],
];

for (const [why, builtin, extra, message] of conflicts) {
  test(`refused at start: ${why}`, () => {
    assert.throws(
      () => createHttpRouter({ builtin, extra }),
      (error: Error) => error.message.includes(message) || assert.is(error.message, message),
    );
  });
}

test('a service prefix below a built-in prefix is accepted where that prefix serves nothing', () => {
  const proxy = route(['*'], '/api/v1/proxy/*');
  const accepted = createHttpRouter({ builtin: [api], extra: [proxy] });
  assert.is(accepted.find('/api/v1/proxy/svc/path')?.route('PATCH'), proxy);
  assert.is(accepted.find('/api/v1/devices')?.route('GET'), api);
});

test('a service route outside every built-in prefix is accepted next to built-in paths', () => {
  const metrics = route(['GET'], '/metrics');
  const accepted = createHttpRouter({ builtin: [health, api], extra: [metrics, route(['GET'], '/*')] });
  assert.is(accepted.find('/metrics')?.route('GET'), metrics);
  assert.is(accepted.find('/healthz')?.route('GET'), health, 'the root prefix does not take an exact path');
  assert.is(accepted.find('/api/x')?.route('GET'), api, 'nor a longer prefix');
});
test.run();
