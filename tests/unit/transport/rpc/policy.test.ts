import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ANONYMOUS, authorize, type Policy, type Principal } from '../../../../src/transport/rpc/index.ts';

const policy = (p: Partial<Policy>): Policy => ({ public: false, roles: [], scopes: [], ...p });
const caller = (p: Partial<Principal>): Principal => ({
  subject: 'u',
  roles: [],
  scopes: [],
  credential: 'access_token',
  ...p,
});

const cases: [string, Policy, Principal, string | undefined][] = [
  ['public method admits an anonymous caller', policy({ public: true }), ANONYMOUS, undefined],
  [
    'public method admits an authenticated caller',
    policy({ public: true, roles: ['admin'] }),
    caller({}),
    undefined,
  ],
  ['protected method refuses an anonymous caller', policy({}), ANONYMOUS, 'unauthenticated'],
  ['no roles listed admits any authenticated caller', policy({}), caller({ roles: ['viewer'] }), undefined],
  [
    'one matching role is enough',
    policy({ roles: ['admin', 'operator'] }),
    caller({ roles: ['operator'] }),
    undefined,
  ],
  ['a role outside the list is refused', policy({ roles: ['admin'] }), caller({ roles: ['viewer'] }), 'role'],
  [
    'every scope must be granted',
    policy({ scopes: ['devices:read', 'devices:write'] }),
    caller({ scopes: ['devices:read'] }),
    'scope',
  ],
  [
    'all scopes granted passes',
    policy({ scopes: ['devices:read'] }),
    caller({ scopes: ['devices:read', 'x'] }),
    undefined,
  ],
  [
    'the * scope grants every scope',
    policy({ scopes: ['system:write'] }),
    caller({ scopes: ['*'] }),
    undefined,
  ],
  [
    'an API key is checked the same way',
    policy({ roles: ['service'], scopes: ['registry:write'] }),
    caller({ roles: ['service'], scopes: [], credential: 'api_key' }),
    'scope',
  ],
];

for (const [name, p, principal, expected] of cases) {
  test(name, () => {
    assert.is(authorize(p, principal)?.kind, expected);
  });
}

test('a scope refusal names the missing scopes', () => {
  const refusal = authorize(policy({ scopes: ['a', 'b', 'c'] }), caller({ scopes: ['b'] }));
  assert.equal(refusal, { kind: 'scope', missing: ['a', 'c'] });
});

test.run();
