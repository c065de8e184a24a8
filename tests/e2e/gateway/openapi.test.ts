import { compileErrors, validate } from '@readme/openapi-parser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROXY_POLICY } from '../../../src/services/registry/http-proxy/index.ts';
import { loadContract } from '../../../src/transport/rpc/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { runTs } from '../../helpers/process.ts';

type Document = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        security: unknown[];
        description: string;
        parameters: { name: string; in: string }[];
      }
    >
  >;
  components: {
    schemas: Record<string, { description?: string; properties?: Record<string, unknown> }>;
    securitySchemes: Record<string, { flows?: { password?: { tokenUrl: string } } }>;
  };
};

const contract = loadContract();
let app: TestApp;
let document: Document;

test.before(async () => {
  app = await startTestApp();
  const response = await fetch(`${app.httpBase}/api/v1/openapi.json`);
  document = (await response.json()) as Document;
});

test.after(async () => {
  await app?.close();
});

test('the served document passes a third-party OpenAPI 3.1 validator', async () => {
  assert.is(document.openapi, '3.1.0');
  const result = await validate(structuredClone(document) as never);
  assert.ok(result.valid, compileErrors(result));
});

test('every annotated method is an operation, additional bindings included', () => {
  const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
  const ids = new Set(operations.map((operation) => operation.operationId));
  for (const method of contract.methods) {
    assert.ok(ids.has(`${method.service.split('.').pop()}_${method.method}`), `${method.path} documented`);
  }
  assert.ok(ids.has('AuthService_CreateToken_1'), 'the additional binding of CreateToken');
});

test('the token endpoint is documented as served: form or JSON body, RFC 6749 errors', () => {
  const token = document.paths['/api/v1/auth/token']?.post as unknown as {
    requestBody: { content: Record<string, unknown> };
    responses: { default: { content: { 'application/json': { schema: { $ref: string } } } } };
  };
  assert.equal(Object.keys(token.requestBody.content).sort(), [
    'application/json',
    'application/x-www-form-urlencoded',
  ]);
  assert.is(
    token.responses.default.content['application/json'].schema.$ref,
    '#/components/schemas/OAuth2Error',
  );
  assert.ok(document.components.schemas.OAuth2Error?.properties?.error);
  const users = document.paths['/api/v1/users']?.get as unknown as typeof token;
  assert.match(users.responses.default.content['application/json'].schema.$ref, 'google.rpc.Status');
});

test('security comes from the policy: public methods none, others OAuth2, bearer or API key', () => {
  const token = document.paths['/api/v1/auth/token']?.post;
  assert.equal(token?.security, []);
  const devices = document.paths['/api/v1/devices']?.get;
  assert.equal(devices?.security, [{ oauth2: ['devices:read'] }, { bearer: [] }, { apiKey: [] }]);
  assert.is(document.components.securitySchemes.oauth2?.flows?.password?.tokenUrl, '/api/v1/auth/token');
});

test('every operation asks for the security the policy of its method declares in the descriptors', () => {
  const policies = new Map(
    contract.methods.map((method) => [`${method.service.split('.').pop()}_${method.method}`, method.policy]),
  );
  // The routes a service adds beside its methods carry their own policy: the registry's proxy.
  for (const verb of ['delete', 'get', 'head', 'options', 'patch', 'post', 'put']) {
    policies.set(`RegistryService_Proxy_${verb}`, PROXY_POLICY);
  }
  const declaredScopes = Object.keys(
    (document.components.securitySchemes.oauth2?.flows?.password as { scopes?: object } | undefined)
      ?.scopes ?? {},
  );
  let checked = 0;
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [verb, operation] of Object.entries(operations)) {
      // An additional binding is `<Service>_<Method>_<n>`.
      const policy = policies.get(operation.operationId.replace(/_\d+$/, ''));
      assert.ok(policy, `${verb} ${path}: ${operation.operationId} is a method with a policy`);
      const expected = policy.public ? [] : [{ oauth2: [...policy.scopes] }, { bearer: [] }, { apiKey: [] }];
      assert.equal(operation.security, expected, `${verb.toUpperCase()} ${path}`);
      for (const scope of policy.scopes) assert.ok(declaredScopes.includes(scope), `${scope} is declared`);
      checked += 1;
    }
  }
  assert.ok(checked >= contract.methods.length, `${checked} operations checked`);
  assert.ok(
    contract.methods.some((method) => method.policy?.public) &&
      contract.methods.some((method) => method.policy?.roles.includes('admin')),
    'both kinds are in the contract',
  );
});

test('descriptions come from the proto comments, parameters from path and query', () => {
  const get = document.paths['/api/v1/devices/{name}']?.get;
  assert.ok(get, 'a resource name is written out segment by segment');
  assert.match(get.description, /device/i);
  assert.ok(get.parameters.some((p) => p.in === 'path' && p.name === 'name'));
  const list = document.paths['/api/v1/devices']?.get;
  assert.ok(list?.parameters.some((p) => p.in === 'query' && p.name === 'pageSize'));
  const device = document.components.schemas['hcs.v1.Device'];
  assert.ok(device?.description);
  assert.ok(device?.properties?.displayName, 'properties in lowerCamelCase');
});

test('hcs openapi prints the same document', async () => {
  const run = runTs('src/main.ts', ['openapi']);
  assert.is(await run.exited, 0);
  const printed = JSON.parse(run.stdout.join('\n')) as Document;
  assert.equal(printed, document);
});

test('the document is compressed as the client prefers, the same document every time', async () => {
  const cases: [string, string | null][] = [
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['identity', null],
  ];
  for (const [acceptEncoding, encoding] of cases) {
    const response = await fetch(`${app.httpBase}/api/v1/openapi.json`, {
      headers: { 'accept-encoding': acceptEncoding },
    });
    assert.is(response.headers.get('content-encoding'), encoding, acceptEncoding);
    assert.match(response.headers.get('vary') ?? '', 'Accept-Encoding');
    assert.equal(await response.json(), document, acceptEncoding);
  }
});

test('/docs is served offline with a content security policy', async () => {
  const page = await fetch(`${app.httpBase}/docs`);
  assert.is(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', "default-src 'self'");
  const html = await page.text();
  assert.not.match(html, /https?:\/\//, 'no external resources');
  for (const asset of [
    'swagger-ui.css',
    'swagger-ui-bundle.js',
    'swagger-ui-standalone-preset.js',
    'init.js',
  ]) {
    const response = await fetch(`${app.httpBase}/docs/${asset}`);
    assert.is(response.status, 200, asset);
  }
  const outside = await fetch(`${app.httpBase}/docs/..%2Fpackage.json`);
  assert.is(outside.status, 404);
});

test.run();
