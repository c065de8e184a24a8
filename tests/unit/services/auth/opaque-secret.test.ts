import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import {
  generateOpaqueSecret,
  hashSecret,
  type OpaqueSecretKind,
  parseOpaqueSecret,
  verifySecret,
} from '../../../../src/services/auth/opaque-secret.ts';

function parseError(value: string, expected?: OpaqueSecretKind): AppError {
  try {
    parseOpaqueSecret(value, expected);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`expected ${value} to be refused`);
}

test('generated secrets carry their kind tag, a hex lookup id and 256 bits of base64url secret', () => {
  const cases: [OpaqueSecretKind, RegExp][] = [
    ['refresh_token', /^hcs_rt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/],
    ['api_key', /^hcs_ak_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/],
  ];
  for (const [kind, format] of cases) {
    const secret = generateOpaqueSecret(kind);
    assert.match(secret.value, format, kind);
    assert.ok(secret.value.includes(`_${secret.id}_`), kind);
    assert.is(secret.kind, kind);
  }
});

test('every generated secret and id is different', () => {
  const secrets = Array.from({ length: 200 }, () => generateOpaqueSecret('api_key'));
  assert.is(new Set(secrets.map((secret) => secret.value)).size, 200);
  assert.is(new Set(secrets.map((secret) => secret.id)).size, 200);
});

test('a generated secret parses back to its kind and id, whatever its secret part contains', () => {
  for (let i = 0; i < 200; i++) {
    const kind = i % 2 === 0 ? 'refresh_token' : 'api_key';
    const secret = generateOpaqueSecret(kind);
    assert.equal(parseOpaqueSecret(secret.value, kind), { kind, id: secret.id, value: secret.value });
  }
});

test('only the hash is stored, and it verifies the secret and nothing else', () => {
  const secret = generateOpaqueSecret('api_key');
  assert.is(secret.hash, hashSecret(secret.value));
  assert.not.ok(secret.hash.includes(secret.value.slice(24)));
  const cases: [string, string, boolean][] = [
    ['the secret', secret.value, true],
    ['one character changed', `${secret.value.slice(0, -1)}${secret.value.endsWith('A') ? 'B' : 'A'}`, false],
    ['another secret with the same id', `${secret.value.slice(0, -43)}${'A'.repeat(43)}`, false],
    ['empty', '', false],
  ];
  for (const [name, value, expected] of cases) assert.is(verifySecret(value, secret.hash), expected, name);
});

test('a stored hash of the wrong length never verifies (and never throws)', () => {
  const secret = generateOpaqueSecret('refresh_token');
  for (const stored of ['', 'abc', `${secret.hash}AA`, 'not base64url!']) {
    assert.is(verifySecret(secret.value, stored), false, stored);
  }
});

test('a malformed or wrong-kind value is UNAUTHENTICATED CREDENTIAL_MALFORMED without echoing it', () => {
  const key = generateOpaqueSecret('api_key').value;
  const refresh = generateOpaqueSecret('refresh_token').value;
  const cases: [string, string, OpaqueSecretKind | undefined][] = [
    ['empty', '', undefined],
    ['unknown tag', key.replace('hcs_ak_', 'hcs_xx_'), undefined],
    ['other product prefix', key.replace('hcs_', 'ghp_'), undefined],
    [
      'upper-case id',
      key.replace(/_([0-9a-f]{16})_/, (_, id: string) => `_${id.toUpperCase().replace(/[0-9]/g, 'A')}_`),
      undefined,
    ],
    ['short secret', key.slice(0, -1), undefined],
    ['long secret', `${key}A`, undefined],
    ['padding', `${key.slice(0, -1)}=`, undefined],
    ['whitespace', ` ${key}`, undefined],
    ['refresh token where an API key is expected', refresh, 'api_key'],
    ['API key where a refresh token is expected', key, 'refresh_token'],
  ];
  for (const [name, value, expected] of cases) {
    const error = parseError(value, expected);
    assert.is(error.code, Code.UNAUTHENTICATED, name);
    assert.is(error.reason, 'CREDENTIAL_MALFORMED', name);
    assert.not.ok(value !== '' && error.message.includes(value), `${name}: message echoes the value`);
  }
});

test.run();
