import { compileErrors, validate } from '@readme/openapi-parser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type HttpRoute, sendJson } from '../../../src/transport/gateway/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { fetchAnswer } from '../../helpers/http.ts';

/**
 * A service's raw HTTP route with a policy: the caller is authenticated and authorised by the
 * RPC chain itself, refused as every method is, and the route is documented in OpenAPI.
 */

const SERVICE_KEY = 'guarded-route-service-key-0123456789';

function whoAmI(name: string, path: string, policy: HttpRoute['policy']): HttpRoute {
  return {
    name,
    methods: ['*'],
    path,
    ...(policy === undefined ? {} : { policy }),
    openApi: {
      path: path.replace('/*', '/{rest}'),
      methods: ['GET', 'POST'],
      tag: 'Test',
      operationId: name,
      summary: `Who calls ${name}`,
      parameters: [{ name: 'rest', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: { content: { 'application/octet-stream': { schema: {} } } },
      responses: { '200': { description: 'The caller' } },
      errors: { '418': 'Never, but documented' },
    },
    handle(request, response, ctx) {
      sendJson(response, 200, {
        subject: ctx.principal.subject,
        credential: ctx.principal.credential,
        method: request.method,
        requestId: ctx.requestId,
      });
    },
  };
}

const routes = [
  whoAmI('scoped', '/scoped/*', { public: false, roles: [], scopes: ['registry:proxy'] }),
  whoAmI('admins', '/admins/*', { public: false, roles: ['admin'], scopes: [] }),
  whoAmI('open', '/open/*', undefined),
];

let app: TestApp;

test.before(async () => {
  app = await startTestApp({ httpRoutes: routes, env: { HCS_SERVICE_API_KEYS: SERVICE_KEY } });
});
test.after(async () => {
  await app?.close();
});

function token(roles: string[], scopes: string[]): string {
  return app.mintToken({ subject: 'users/alice', roles, scopes });
}

test('a guarded route admits the caller its policy admits, by token or API key, and sees who it is', async () => {
  const byToken = await fetchAnswer(`${app.httpBase}/scoped/x`, {
    headers: { authorization: `Bearer ${token(['viewer'], ['registry:proxy'])}` },
  });
  assert.is(byToken.status, 200, byToken.text);
  assert.is(byToken.json.subject, 'users/alice');
  assert.is(byToken.json.credential, 'access_token');
  assert.is(byToken.headers.get('x-request-id'), byToken.json.requestId);
  const byKey = await fetchAnswer(`${app.httpBase}/scoped/x`, {
    method: 'POST',
    headers: { 'x-api-key': SERVICE_KEY },
    body: 'data',
  });
  assert.is(byKey.status, 200, byKey.text);
  assert.is(byKey.json.credential, 'api_key');
  assert.is(byKey.json.method, 'POST');
  const admin = await fetchAnswer(`${app.httpBase}/admins/y`, {
    headers: { authorization: `Bearer ${await app.adminToken()}` },
  });
  assert.is(admin.status, 200, admin.text);
});

const refusals: [
  what: string,
  path: string,
  headers: () => Record<string, string>,
  status: number,
  message: RegExp,
][] = [
  ['no credentials', '/scoped/x', () => ({}), 401, /needs a bearer token or an API key/],
  ['a malformed authorization header', '/scoped/x', () => ({ authorization: 'Basic abc' }), 401, /Bearer/],
  ['a token that does not verify', '/scoped/x', () => ({ authorization: 'Bearer not.a.jwt' }), 401, /token/],
  ['an unknown API key', '/scoped/x', () => ({ 'x-api-key': 'hcs_ak_0000000000000000_nope' }), 401, /key/i],
  [
    'a token without the scope',
    '/scoped/a/b?c=d',
    () => ({ authorization: `Bearer ${token(['admin'], ['registry:read'])}` }),
    403,
    /^GET \/scoped\/a\/b needs the scopes registry:proxy$/,
  ],
  [
    'a token without the role',
    '/admins/x',
    () => ({ authorization: `Bearer ${token(['viewer'], ['*'])}` }),
    403,
    /needs one of the roles admin/,
  ],
];
for (const [what, path, headers, status, message] of refusals) {
  test(`a guarded route refuses ${what} with ${status} and a google.rpc.Status body`, async () => {
    const answer = await fetchAnswer(`${app.httpBase}${path}`, { headers: headers() });
    assert.is(answer.status, status, answer.text);
    assert.match(String(answer.json.message), message);
    assert.is(answer.json.code, status === 401 ? 16 : 7);
    assert.ok(Array.isArray(answer.json.details));
    assert.is(answer.headers.get('www-authenticate') !== null, status === 401);
    assert.ok(answer.headers.get('x-request-id'));
  });
}

test('a route without a policy is public: no credentials are read', async () => {
  const answer = await fetchAnswer(`${app.httpBase}/open/x`, { headers: { authorization: 'garbage' } });
  assert.is(answer.status, 200);
  assert.is(answer.json.subject, 'anonymous');
});

test('a denial is logged as a call that failed, with the caller', async () => {
  await fetchAnswer(`${app.httpBase}/admins/logged`, {
    headers: { authorization: `Bearer ${token(['viewer'], [])}` },
  });
  const line = app.logs.find(
    (entry) => entry.code === 'PERMISSION_DENIED' && entry.method === 'GET /admins/logged',
  );
  assert.ok(line, 'the chain logged the refusal');
  assert.is(line?.principal, 'users/alice');
});

test('documented routes are in the OpenAPI document with their policy as security', async () => {
  const document = (await fetchAnswer(`${app.httpBase}/api/v1/openapi.json`)).json as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { securitySchemes: { oauth2: { flows: { password: { scopes: Record<string, string> } } } } };
  };
  const scoped = document.paths['/scoped/{rest}'];
  assert.ok(scoped?.get && scoped.post, 'both documented methods');
  assert.not.ok(scoped?.put, 'only the documented methods');
  assert.equal(scoped?.get?.security, [{ oauth2: ['registry:proxy'] }, { bearer: [] }, { apiKey: [] }]);
  assert.is(scoped?.get?.operationId, 'scoped_get');
  assert.not.ok(scoped?.get?.requestBody, 'GET has no body');
  assert.ok(scoped?.post?.requestBody);
  const responses = scoped?.get?.responses as Record<string, { content?: unknown }>;
  for (const code of ['200', '401', '403', '418', 'default']) assert.ok(responses[code], code);
  assert.ok(document.components.securitySchemes.oauth2.flows.password.scopes['registry:proxy']);
  const open = document.paths['/open/{rest}']?.get;
  assert.equal(open?.security, []);
  assert.not.ok(
    (open?.responses as Record<string, unknown> | undefined)?.['401'],
    'a public route is not refused',
  );
  const result = await validate(structuredClone(document) as never);
  assert.ok(result.valid, compileErrors(result));
});

test.run();
