import { randomBytes } from 'node:crypto';
import { status as GrpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAccessTokens, KNOWN_SCOPES, USER_ROLES } from '../../../src/services/auth/index.ts';
import { type ContractMethod, loadContract, type Policy } from '../../../src/transport/rpc/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { callRaw, clientStreamRaw, rawClient, streamRaw } from '../../helpers/grpc-client.ts';

/**
 * Every method of every service, read from the descriptors, against every kind of credential,
 * on both transports. The guard's answer must follow the method's (hcs.v1.policy); a method
 * added later is in the matrix by construction, and one without a policy fails it.
 */

type Outcome = 'unauthenticated' | 'denied' | 'passed';
type Credential = { kind: 'none' } | { kind: 'bearer'; token: string } | { kind: 'api_key'; key: string };

interface Case {
  name: string;
  /** The credential for this method, or undefined when the case does not apply to it. */
  credential(method: ContractMethod, policy: Policy): Credential | undefined;
  expected(policy: Policy): Outcome;
}

const contract = loadContract();
let app: TestApp;
let revokedToken = '';
let scopelessKey = '';
/** API keys of every role, one per scope set a policy asks for (keyed by the sorted set). */
const keysByScopes = new Map<string, string>();

const subjectOf = (roles: readonly string[], scopes: readonly string[] = ['*']) => ({
  subject: 'users/matrix',
  roles,
  scopes,
});
const scopeSetOf = (scopes: readonly string[]) => [...scopes].sort().join(' ');
// Narrow scope sets around a method's own: each is a scope a careless check would confuse with it.
const sameVerbOtherService = (scope: string) => {
  const [service, verb] = scope.split(':');
  return KNOWN_SCOPES.find((other) => other.endsWith(`:${verb}`) && !other.startsWith(`${service}:`));
};
const otherVerbSameService = (scope: string) => {
  const [service] = scope.split(':');
  return KNOWN_SCOPES.find((other) => other.startsWith(`${service}:`) && other !== scope);
};
const narrowToken = (policy: Policy, scopes: readonly (string | undefined)[]): Credential => ({
  kind: 'bearer',
  token: app.mintToken(
    subjectOf(
      allowedRoles(policy),
      scopes.filter((scope): scope is string => scope !== undefined),
    ),
  ),
});
const deniedUnlessPublic = (policy: Policy): Outcome => (policy.public ? 'passed' : 'denied');
const allowedRoles = (policy: Policy) => (policy.roles.length > 0 ? policy.roles : ['viewer']);
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const guarded =
  (outcome: Outcome) =>
  (policy: Policy): Outcome =>
    policy.public ? 'passed' : outcome;

const CASES: Case[] = [
  { name: 'no credentials', credential: () => ({ kind: 'none' }), expected: guarded('unauthenticated') },
  {
    name: 'malformed token',
    credential: () => ({ kind: 'bearer', token: 'not.a.jwt' }),
    expected: guarded('unauthenticated'),
  },
  {
    name: 'token signed with another key',
    credential: (_method, policy) => ({
      kind: 'bearer',
      token: createAccessTokens({
        key: { algorithm: 'HS256', secret: randomBytes(32) },
        issuer: 'hcs',
        audience: 'hcs',
      }).sign(subjectOf(allowedRoles(policy))).token,
    }),
    expected: guarded('unauthenticated'),
  },
  {
    name: 'alg none token',
    credential: (_method, policy) => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { ...subjectOf(allowedRoles(policy)), sub: 'users/matrix', scope: '*', jti: 'none-1' };
      const payload = { ...claims, iat: now, exp: now + 600, iss: 'hcs', aud: 'hcs' };
      return { kind: 'bearer', token: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.` };
    },
    expected: guarded('unauthenticated'),
  },
  {
    name: 'expired token',
    credential: (_method, policy) => ({
      kind: 'bearer',
      token: app.mintToken(subjectOf(allowedRoles(policy)), { now: Date.now() - 3_600_000, ttlMs: 60_000 }),
    }),
    expected: guarded('unauthenticated'),
  },
  {
    name: 'revoked token',
    credential: () => ({ kind: 'bearer', token: revokedToken }),
    expected: guarded('unauthenticated'),
  },
  {
    name: 'valid token of a role the policy does not allow',
    credential: (_method, policy) => {
      const outsider = USER_ROLES.find((role) => !policy.roles.includes(role));
      if (policy.roles.length === 0 || outsider === undefined) return undefined;
      return { kind: 'bearer', token: app.mintToken(subjectOf([outsider])) };
    },
    expected: guarded('denied'),
  },
  {
    name: 'API key without the scope',
    credential: () => ({ kind: 'api_key', key: scopelessKey }),
    expected: (policy) => (policy.public || policy.scopes.length === 0 ? 'passed' : 'denied'),
  },
  {
    name: 'token with exactly the scopes the method needs',
    credential: (_method, policy) => narrowToken(policy, policy.scopes),
    expected: () => 'passed',
  },
  {
    name: 'API key with exactly the scopes the method needs',
    credential: (_method, policy) => {
      const key = keysByScopes.get(scopeSetOf(policy.scopes));
      return key === undefined ? undefined : { kind: 'api_key', key };
    },
    expected: () => 'passed',
  },
  {
    name: 'token missing one of the scopes the method needs',
    credential: (_method, policy) =>
      policy.scopes.length === 0 ? undefined : narrowToken(policy, policy.scopes.slice(1)),
    expected: deniedUnlessPublic,
  },
  {
    name: 'token with every known scope but the ones the method needs',
    credential: (_method, policy) =>
      policy.scopes.length === 0
        ? undefined
        : narrowToken(
            policy,
            KNOWN_SCOPES.filter((scope) => !policy.scopes.includes(scope)),
          ),
    expected: deniedUnlessPublic,
  },
  {
    name: 'token with the same verb on another service',
    credential: (_method, policy) =>
      policy.scopes.length === 0 ? undefined : narrowToken(policy, policy.scopes.map(sameVerbOtherService)),
    expected: deniedUnlessPublic,
  },
  {
    name: 'token with the other verb on the same service',
    credential: (_method, policy) =>
      policy.scopes.length === 0 ? undefined : narrowToken(policy, policy.scopes.map(otherVerbSameService)),
    expected: deniedUnlessPublic,
  },
  {
    name: 'valid credentials',
    credential: (_method, policy) => ({
      kind: 'bearer',
      token: app.mintToken(subjectOf(allowedRoles(policy))),
    }),
    expected: () => 'passed',
  },
];

test.before(async () => {
  app = await startTestApp();
  const admin = await app.adminToken();
  revokedToken = app.mintToken(subjectOf([...USER_ROLES]));
  const revoke = await fetch(`${app.httpBase}/api/v1/auth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: revokedToken }),
  });
  assert.is(revoke.status, 200);
  const created = await fetch(`${app.httpBase}/api/v1/apiKeys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ apiKeyId: 'no-scopes', apiKey: { roles: [...USER_ROLES], scopes: [] } }),
  });
  scopelessKey = ((await created.json()) as { secret: string }).secret;
  const scopeSets = new Set(
    contract.methods
      .filter((method) => method.policy?.public === false)
      .map((method) => scopeSetOf(method.policy?.scopes ?? [])),
  );
  for (const [index, scopeSet] of [...scopeSets].entries()) {
    const scoped = await fetch(`${app.httpBase}/api/v1/apiKeys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({
        apiKeyId: `scoped-${index}`,
        apiKey: { roles: [...USER_ROLES], scopes: scopeSet === '' ? [] : scopeSet.split(' ') },
      }),
    });
    assert.is(scoped.status, 200, `a key with the scopes "${scopeSet}"`);
    keysByScopes.set(scopeSet, ((await scoped.json()) as { secret: string }).secret);
  }
});

test.after(async () => {
  await app?.close();
});

function outcomeOfGrpc(error: ServiceError | undefined): Outcome {
  if (error?.code === GrpcStatus.UNAUTHENTICATED) return 'unauthenticated';
  if (error?.code === GrpcStatus.PERMISSION_DENIED) return 'denied';
  return 'passed';
}

// A 403 with a service's own reason (a command not on the allow-list) passed the guard.
function outcomeOfHttp(status: number, body: string): Outcome {
  if (status === 401) return 'unauthenticated';
  if (status === 403 && body.includes('"reason":"PERMISSION_DENIED"')) return 'denied';
  return 'passed';
}

async function callGrpc(method: ContractMethod, credential: Credential): Promise<Outcome> {
  const client = rawClient(app.grpcTarget);
  const metadata = new Metadata();
  if (credential.kind === 'bearer') metadata.set('authorization', `Bearer ${credential.token}`);
  if (credential.kind === 'api_key') metadata.set('x-api-key', credential.key);
  try {
    const { error } =
      method.kind === 'unary'
        ? await callRaw(client, method.path, Buffer.alloc(0), metadata)
        : method.kind === 'server_streaming'
          ? await streamRaw(client, method.path, Buffer.alloc(0), metadata)
          : await clientStreamRaw(client, method.path, [], metadata);
    return outcomeOfGrpc(error);
  } finally {
    client.close();
  }
}

// The first REST binding of each method, from the served OpenAPI document, with placeholders filled.
async function httpBindings(): Promise<Map<string, { verb: string; path: string }>> {
  const document = (await (await fetch(`${app.httpBase}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { operationId: string }>>;
  };
  const bindings = new Map<string, { verb: string; path: string }>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [verb, operation] of Object.entries(operations)) {
      bindings.set(operation.operationId, {
        verb: verb.toUpperCase(),
        path: path.replace(/\{[^}]+\}/g, 'x'),
      });
    }
  }
  return bindings;
}

async function callHttp(
  method: ContractMethod,
  binding: { verb: string; path: string },
  credential: Credential,
) {
  const headers: Record<string, string> = {};
  if (credential.kind === 'bearer') headers.authorization = `Bearer ${credential.token}`;
  if (credential.kind === 'api_key') headers['x-api-key'] = credential.key;
  const hasBody = !['GET', 'DELETE'].includes(binding.verb);
  if (hasBody)
    headers['content-type'] =
      method.kind === 'client_streaming' ? 'application/x-ndjson' : 'application/json';
  const response = await fetch(`${app.httpBase}${binding.path}`, {
    method: binding.verb,
    headers,
    body: hasBody ? (method.kind === 'client_streaming' ? '' : '{}') : undefined,
  });
  const text = response.status === 403 ? await response.text() : '';
  if (response.status !== 403) await response.body?.cancel();
  return outcomeOfHttp(response.status, text);
}

test('every method declares a policy, and every guarded method names the roles it admits', () => {
  assert.ok(contract.methods.length >= 70, `${contract.methods.length} methods`);
  for (const method of contract.methods) {
    assert.ok(method.policy, `${method.path} has no (hcs.v1.policy)`);
    if (!method.policy.public) assert.ok(method.policy.roles.length > 0, `${method.path} admits no role`);
  }
});

test('every method × every credential gets the guard answer its policy demands, over gRPC and REST', async () => {
  const bindings = await httpBindings();
  const wrong: string[] = [];
  let checked = 0;
  for (const method of contract.methods) {
    const policy = method.policy as Policy;
    const binding = bindings.get(`${method.service.split('.').pop()}_${method.method}`);
    assert.ok(binding, `${method.path} has no REST binding`);
    for (const kase of CASES) {
      const credential = kase.credential(method, policy);
      if (credential === undefined) continue;
      const expected = kase.expected(policy);
      const [overGrpc, overHttp] = [
        await callGrpc(method, credential),
        await callHttp(method, binding, credential),
      ];
      checked += 2;
      if (overGrpc !== expected)
        wrong.push(`gRPC ${method.path} with ${kase.name}: ${overGrpc}, expected ${expected}`);
      if (overHttp !== expected) {
        wrong.push(
          `REST ${binding.verb} ${binding.path} (${method.path}) with ${kase.name}: ${overHttp}, expected ${expected}`,
        );
      }
    }
  }
  assert.equal(wrong, [], `${wrong.length} of ${checked} calls answered wrongly`);
  assert.ok(checked > 1000, `only ${checked} calls checked`);
});

test.run();
