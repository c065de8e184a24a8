import { readFileSync } from 'node:fs';
import { create, type DescMessage, fromBinary, getOption, setExtension, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRouteTable, HTTP_RULE_OPTION } from '../../../../src/transport/gateway/routing/index.ts';
import { DESCRIPTOR_SET_URL, loadContract } from '../../../../src/transport/rpc/index.ts';

const contract = loadContract();
const table = createRouteTable(contract);

test('every method with a google.api.http rule has a route per binding', () => {
  const option = contract.registry.getExtension(HTTP_RULE_OPTION);
  assert.ok(option);
  let expected = 0;
  for (const method of contract.methods) {
    const rule = getOption(method.descriptor, option) as unknown as { additionalBindings: unknown[] };
    expected += 1 + rule.additionalBindings.length;
    assert.ok(
      table.routes.some((route) => route.method === method && route.bindingIndex === 0),
      `${method.path} has a route`,
    );
  }
  assert.ok(contract.methods.length >= 76, `only ${contract.methods.length} methods`);
  assert.is(table.routes.length, expected);
});

const found: [httpMethod: string, path: string, rpc: string, bindings: Record<string, string>][] = [
  ['GET', '/api/v1/devices', 'DeviceService/ListDevices', {}],
  ['get', '/api/v1/devices', 'DeviceService/ListDevices', {}],
  ['GET', '/api/v1/devices/d1', 'DeviceService/GetDevice', { name: 'devices/d1' }],
  ['GET', '/api/v1/devices/d%2F1', 'DeviceService/GetDevice', { name: 'devices/d%2F1' }],
  ['PATCH', '/api/v1/devices/d1', 'DeviceService/UpdateDevice', { 'device.name': 'devices/d1' }],
  ['DELETE', '/api/v1/devices/d1', 'DeviceService/DeleteDevice', { name: 'devices/d1' }],
  ['POST', '/api/v1/devices/d1:executeCommand', 'DeviceService/ExecuteCommand', { name: 'devices/d1' }],
  ['GET', '/api/v1/devices/d1/readings', 'DeviceService/GetReadings', { device: 'devices/d1' }],
  ['GET', '/api/v1/devices:streamEvents', 'DeviceService/StreamDeviceEvents', {}],
  ['POST', '/api/v1/jobs/j1:cancel', 'DeviceService/CancelJob', { name: 'jobs/j1' }],
  ['GET', '/api/v1/jobs/j1:watch', 'DeviceService/WatchJob', { name: 'jobs/j1' }],
  ['GET', '/api/v1/series/s1:describe', 'AnalyticsService/DescribeSeries', { name: 'series/s1' }],
  ['GET', '/api/v1/series/s1', 'AnalyticsService/GetSeries', { name: 'series/s1' }],
  ['GET', '/api/v1/series:correlate', 'AnalyticsService/CorrelateSeries', {}],
  ['POST', '/api/v1/series:ingest', 'AnalyticsService/IngestSamples', {}],
  ['POST', '/api/v1/auth/token', 'AuthService/CreateToken', {}],
  ['POST', '/api/v1/oauth2/token', 'AuthService/CreateToken', {}],
  ['POST', '/api/v1/auth/revoke', 'AuthService/RevokeToken', {}],
  ['POST', '/api/v1/oauth2/revoke', 'AuthService/RevokeToken', {}],
  ['GET', '/api/v1/services/s1/instances', 'RegistryService/ListInstances', { parent: 'services/s1' }],
  ['GET', '/api/v1/instances', 'RegistryService/ListInstances', {}],
  ['GET', '/api/v1/services/s1/instances:watch', 'RegistryService/WatchInstances', { parent: 'services/s1' }],
  [
    'GET',
    '/api/v1/services/s1/instances/i1',
    'RegistryService/GetInstance',
    { name: 'services/s1/instances/i1' },
  ],
  [
    'POST',
    '/api/v1/services/s1/instances/i1:renewLease',
    'RegistryService/RenewLease',
    { name: 'services/s1/instances/i1' },
  ],
  ['GET', '/api/v1/files:stat', 'SystemService/StatFile', {}],
  ['GET', '/api/v1/files', 'SystemService/ListFiles', {}],
  ['GET', '/api/v1/environmentVariables', 'SystemService/ListEnvironmentVariables', {}],
  // A literal spelled with percent-encoding is the same literal.
  ['GET', '/api/v1/auth/who%61mi', 'AuthService/WhoAmI', {}],
  ['GET', '/api/v1/auth/whoami', 'AuthService/WhoAmI', {}],
  // An unknown verb is not a verb: it stays part of the last segment, as http.proto reads it.
  ['GET', '/api/v1/jobs/j1:explode', 'DeviceService/GetJob', { name: 'jobs/j1:explode' }],
  // HEAD is the GET without its body (RFC 9110 §9.3.2): the same route, exact or templated.
  ['HEAD', '/api/v1/auth/whoami', 'AuthService/WhoAmI', {}],
  ['HEAD', '/api/v1/devices/d1', 'DeviceService/GetDevice', { name: 'devices/d1' }],
];

for (const [httpMethod, path, rpc, bindings] of found) {
  test(`${httpMethod} ${path} calls ${rpc} with ${JSON.stringify(bindings)}`, () => {
    const result = table.lookup(httpMethod, path);
    assert.is(result.kind, 'found');
    if (result.kind !== 'found') return;
    assert.is(result.route.method.path, `/hcs.v1.${rpc}`);
    assert.equal(result.bindings, bindings);
  });
}

// A path each template matches: literals as written, `*` one segment, `**` two.
function samplePath(route: (typeof table.routes)[number]): string {
  const parts = route.template.segments.map((segment) =>
    segment.kind === 'literal' ? segment.value : segment.kind === 'wildcard' ? 'x1' : 'x1/x2',
  );
  return `/${parts.join('/')}${route.template.verb === undefined ? '' : `:${route.template.verb}`}`;
}

// The oracle: the first route of the method, in precedence order, whose template matches.
function scan(routes: typeof table.routes, httpMethod: string, path: string) {
  for (const route of routes) {
    if (route.httpMethod !== httpMethod) continue;
    const bindings = route.template.match(path);
    if (bindings !== undefined) return { route, bindings };
  }
  return undefined;
}

test('lookup finds what scanning every template in precedence order finds, route and bindings', () => {
  for (const route of table.routes) {
    const path = samplePath(route);
    const expected = scan(table.routes, route.httpMethod, path);
    const result = table.lookup(route.httpMethod, path);
    assert.ok(result.kind === 'found' && expected !== undefined, `${route.httpMethod} ${path}`);
    assert.is(result.route, expected.route, `${route.httpMethod} ${path}`);
    assert.equal(result.bindings, expected.bindings, `${route.httpMethod} ${path}`);
  }
});

test('a variable spanning only literals still binds its field', () => {
  const fixed = contractWithRule('AuthService/GetUser', {
    pattern: { case: 'get', value: '/api/v1/{name=users/current}' },
  });
  const result = createRouteTable(fixed).lookup('GET', '/api/v1/users/current');
  assert.ok(result.kind === 'found');
  assert.equal(result.bindings, { name: 'users/current' });
});

test('a route carries its body and response_body as the rule declares them', () => {
  const route = (httpMethod: string, path: string) => {
    const result = table.lookup(httpMethod, path);
    assert.is(result.kind, 'found');
    return result.kind === 'found' ? result.route : undefined;
  };
  const update = route('PATCH', '/api/v1/devices/d1');
  assert.equal([update?.body, update?.responseBody], ['device', 'device']);
  const cancel = route('POST', '/api/v1/jobs/j1:cancel');
  assert.equal([cancel?.body, cancel?.responseBody], ['*', 'job']);
  const list = route('GET', '/api/v1/devices');
  assert.equal([list?.body, list?.responseBody], [undefined, undefined]);
  const token = route('POST', '/api/v1/oauth2/token');
  assert.equal([token?.bindingIndex, token?.template.source], [1, '/api/v1/oauth2/token']);
});

const refused: [httpMethod: string, path: string, allow: string[] | undefined][] = [
  ['GET', '/api/v1/nothing', undefined],
  ['GET', '/api/v2/devices', undefined],
  ['GET', '/api/v1/devices/d1/extra', undefined],
  ['GET', '/api/v1/devices/', undefined],
  ['GET', '/', undefined],
  ['POST', '/api/v1/devices/d1:unknownVerb', ['DELETE', 'GET', 'HEAD', 'PATCH']],
  ['DELETE', '/api/v1/devices', ['GET', 'HEAD', 'POST']],
  ['PUT', '/api/v1/devices/d1', ['DELETE', 'GET', 'HEAD', 'PATCH']],
  ['GET', '/api/v1/series:ingest', ['POST']],
  ['HEAD', '/api/v1/series:ingest', ['POST']],
  ['POST', '/api/v1/jobs/j1:explode', ['DELETE', 'GET', 'HEAD']],
];

for (const [httpMethod, path, allow] of refused) {
  const outcome = allow === undefined ? '404' : `405 allowing ${allow.join(', ')}`;
  test(`${httpMethod} ${path} is ${outcome}`, () => {
    const expected = allow === undefined ? { kind: 'not-found' } : { kind: 'method-not-allowed', allow };
    assert.equal(table.lookup(httpMethod, path), expected);
  });
}

test('routes of one HTTP method are in precedence order, literal before variable', () => {
  const gets = table.routes.filter((route) => route.httpMethod === 'GET').map((r) => r.template.source);
  const before = (a: string, b: string) => assert.ok(gets.indexOf(a) < gets.indexOf(b), `${a} before ${b}`);
  before('/api/v1/series:correlate', '/api/v1/{name=series/*}');
  before('/api/v1/{name=series/*}:describe', '/api/v1/{name=series/*}');
  before('/api/v1/{name=jobs/*}:watch', '/api/v1/{name=jobs/*}');
});

test('the route order does not depend on the order methods are declared in', () => {
  const reversed = createRouteTable({
    registry: contract.registry,
    methods: [...contract.methods].reverse(),
  });
  const describe = (routes: typeof table.routes) =>
    routes.map((route) => `${route.httpMethod} ${route.template.source} ${route.method.path}`);
  assert.equal(describe(reversed.routes), describe(table.routes));
});

/** The real contract with one method's google.api.http rule replaced. */
function contractWithRule(method: string, rule: Record<string, unknown>) {
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(DESCRIPTOR_SET_URL));
  const option = contract.registry.getExtension(HTTP_RULE_OPTION);
  const schema = contract.registry.getMessage('google.api.HttpRule') as DescMessage;
  const [service, name] = method.split('/');
  const descriptor = set.file
    .flatMap((file) => file.service.filter((s) => `${file.package}.${s.name}` === `hcs.v1.${service}`))
    .flatMap((s) => s.method)
    .find((m) => m.name === name);
  assert.ok(option && descriptor?.options, method);
  setExtension(descriptor.options, option, create(schema, rule));
  return loadContract(toBinary(FileDescriptorSetSchema, set));
}

const broken: [method: string, rule: Record<string, unknown>, message: string][] = [
  [
    'AuthService/GetUser',
    { pattern: { case: 'get', value: '/api/v1/{name=devices/*}' } },
    'duplicate route GET /api/v1/devices/*: "/api/v1/{name=devices/*}" of /hcs.v1.',
  ],
  [
    'AuthService/GetUser',
    { pattern: { case: 'get', value: '/api/v1/devices/{name}' } },
    'duplicate route GET /api/v1/devices/*',
  ],
  [
    'AuthService/GetUser',
    { pattern: { case: 'get', value: '/api/v1/{name' } },
    '/hcs.v1.AuthService/GetUser: invalid path template "/api/v1/{name"',
  ],
  [
    'AuthService/GetUser',
    { pattern: { case: 'get', value: '/api/v1/{nope=users/*}' } },
    '/hcs.v1.AuthService/GetUser: path variable "nope"',
  ],
  [
    'DeviceService/UpdateDevice',
    { pattern: { case: 'patch', value: '/api/v1/{device=devices/*}' }, body: '*' },
    'path variable "device": hcs.v1.UpdateDeviceRequest has no singular scalar field "device"',
  ],
  [
    'DeviceService/UpdateDevice',
    { pattern: { case: 'patch', value: '/api/v1/{device.name=devices/*}' }, body: 'nope' },
    'body "nope" is not a field of hcs.v1.UpdateDeviceRequest',
  ],
  [
    'DeviceService/GetDevice',
    { pattern: { case: 'get', value: '/api/v1/{name=devices/*}' }, responseBody: 'nope' },
    'response_body "nope" is not a field of hcs.v1.GetDeviceResponse',
  ],
  [
    'AuthService/GetUser',
    {
      pattern: { case: 'get', value: '/api/v1/{name=users/*}' },
      additionalBindings: [{ pattern: { case: 'get', value: '/api/v1/{name=users/*' } }],
    },
    '/hcs.v1.AuthService/GetUser (additional_bindings[0]): invalid path template',
  ],
  ['AuthService/GetUser', {}, 'the http rule has no pattern'],
];

for (const [method, rule, message] of broken) {
  test(`a broken rule on ${method} is refused: ${message}`, () => {
    const broken = contractWithRule(method, rule);
    assert.throws(
      () => createRouteTable(broken),
      (error: Error) => error.message.includes(message),
    );
  });
}

test('a custom pattern routes its own HTTP method', () => {
  const custom = contractWithRule('AuthService/GetUser', {
    pattern: { case: 'custom', value: { kind: 'search', path: '/api/v1/{name=users/*}' } },
  });
  const result = createRouteTable(custom).lookup('SEARCH', '/api/v1/users/u1');
  assert.is(result.kind, 'found');
});

test('a HEAD rule answers HEAD on its own paths; elsewhere HEAD still finds the GET', () => {
  const table = createRouteTable(
    contractWithRule('AuthService/GetUser', {
      pattern: { case: 'custom', value: { kind: 'HEAD', path: '/api/v1/{name=users/*}' } },
    }),
  );
  const own = table.lookup('HEAD', '/api/v1/users/u1');
  assert.ok(own.kind === 'found');
  assert.is(own.route.httpMethod, 'HEAD');
  const other = table.lookup('HEAD', '/api/v1/devices/d1');
  assert.ok(other.kind === 'found');
  assert.is(other.route.method.path, '/hcs.v1.DeviceService/GetDevice');
});

test.run();
