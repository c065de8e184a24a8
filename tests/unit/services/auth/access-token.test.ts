import { createHash, createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import {
  type AccessTokenKey,
  type AccessTokenOptions,
  createAccessTokens,
} from '../../../../src/services/auth/access-token.ts';

const secret = 'a-test-secret-that-is-at-least-32-bytes-long';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const grant = { subject: 'user-1', roles: ['admin'], scopes: ['devices:read', 'devices:write'] };

/** A clock the test moves by hand, in milliseconds. */
function clock(start = 1_800_000_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

function tokens(overrides: Partial<AccessTokenOptions> = {}) {
  return createAccessTokens({
    key: { algorithm: 'HS256', secret },
    issuer: 'hcs',
    audience: 'hcs-api',
    ...overrides,
  });
}

function verifyError(verify: () => unknown): AppError {
  try {
    verify();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token built by hand, as an attacker would: any header, any payload, any HMAC key. */
function forge(header: object, payload: object, hmacKey?: string | Buffer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature =
    hmacKey === undefined ? '' : createHmac('sha256', hmacKey).update(input).digest('base64url');
  return `${input}.${signature}`;
}

const keys: [string, AccessTokenKey][] = [
  ['HS256', { algorithm: 'HS256', secret }],
  [
    'RS256 (PEM)',
    { algorithm: 'RS256', privateKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string },
  ],
  ['ES256 (KeyObject)', { algorithm: 'ES256', privateKey: ec.privateKey }],
];

test('a signed token verifies to the claims it was signed with, for every algorithm', () => {
  for (const [name, key] of keys) {
    const { now } = clock();
    const issuer = tokens({ key, now });
    const { token, claims } = issuer.sign(grant);
    assert.equal(issuer.verify(token), claims, name);
    assert.equal(
      { ...claims, roles: [...claims.roles], jti: typeof claims.jti },
      {
        sub: 'user-1',
        roles: ['admin'],
        scope: 'devices:read devices:write',
        jti: 'string',
        iat: 1_800_000_000,
        exp: 1_800_000_900,
        iss: 'hcs',
        aud: 'hcs-api',
      },
      name,
    );
    assert.is(jwt.decode(token, { complete: true })?.header.alg, key.algorithm, name);
  }
});

test('every token gets its own random jti', () => {
  const issuer = tokens();
  const ids = new Set(Array.from({ length: 50 }, () => issuer.sign(grant).claims.jti));
  assert.is(ids.size, 50);
});

test('a token is accepted until exp plus the clock skew, then refused as TOKEN_EXPIRED', () => {
  const cases: [string, number, string | undefined][] = [
    ['just before exp', 899_000, undefined],
    ['within the 30 s skew', 929_000, undefined],
    ['past the skew', 931_000, 'TOKEN_EXPIRED'],
  ];
  for (const [name, elapsedMs, reason] of cases) {
    const { state, now } = clock();
    const issuer = tokens({ now, cacheEntries: 0 });
    const { token } = issuer.sign(grant);
    state.now += elapsedMs;
    if (reason === undefined) {
      issuer.verify(token);
      continue;
    }
    const error = verifyError(() => issuer.verify(token));
    assert.is(error.code, Code.UNAUTHENTICATED, name);
    assert.is(error.reason, reason, name);
  }
});

test('forged, tampered or foreign tokens are refused as TOKEN_INVALID without echoing the token', () => {
  const { now } = clock();
  const hs = tokens({ now });
  const rs = tokens({ now, key: keys[1]?.[1] as AccessTokenKey });
  const { token, claims } = hs.sign(grant);
  const [header, , signature] = token.split('.');
  const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const admin = { ...claims, roles: ['admin', 'root'] };
  const cases: [string, () => unknown][] = [
    [
      'signed with another secret',
      () => tokens({ now, key: { algorithm: 'HS256', secret: `${secret}!` } }).sign(grant),
    ],
    ['tampered payload', () => `${header}.${b64(admin)}.${signature}`],
    ['alg none', () => forge({ alg: 'none', typ: 'JWT' }, claims)],
    ['alg none with a signature', () => forge({ alg: 'none', typ: 'JWT' }, claims, secret)],
    ['HS384 with the right secret', () => jwt.sign({ ...claims }, secret, { algorithm: 'HS384' })],
    ['other issuer', () => tokens({ now, issuer: 'elsewhere' }).sign(grant)],
    ['other audience', () => tokens({ now, audience: 'other-api' }).sign(grant)],
    ['garbage', () => 'not.a.jwt'],
    ['empty', () => ''],
    ['huge', () => `${token}${'A'.repeat(10_000)}`],
    ['missing roles claim', () => forge({ alg: 'HS256' }, { ...claims, roles: undefined }, secret)],
    ['missing exp claim', () => forge({ alg: 'HS256' }, { ...claims, exp: undefined }, secret)],
  ];
  for (const [name, make] of cases) {
    const made = make();
    const forged = typeof made === 'string' ? made : (made as { token: string }).token;
    const error = verifyError(() => hs.verify(forged));
    assert.is(error.code, Code.UNAUTHENTICATED, name);
    assert.is(error.reason, 'TOKEN_INVALID', name);
    assert.not.ok(forged !== '' && error.message.includes(forged), `${name}: message echoes the token`);
  }
  const confusion = forge({ alg: 'HS256', typ: 'JWT' }, claims, publicPem);
  assert.is(
    verifyError(() => rs.verify(confusion)).reason,
    'TOKEN_INVALID',
    'HS256 signed with the RSA public key',
  );
});

test('tokens signed with the real key but impossible times are TOKEN_INVALID', () => {
  const { now } = clock();
  const hs = tokens({ now });
  const { claims } = hs.sign(grant);
  const nowSeconds = Math.floor(now() / 1000);
  const signed = (times: Record<string, unknown>) =>
    forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, ...times }, secret);
  const cases: [string, Record<string, unknown>][] = [
    ['exp of 2^53', { exp: 2 ** 53 }],
    ['exp of 2^53 - 1', { exp: 2 ** 53 - 1 }],
    ['exp after the year 9999', { exp: 253_402_300_800 }],
    ['iat of 2^53 - 1', { iat: 2 ** 53 - 1 }],
    ['iat in the future beyond the clock skew', { iat: nowSeconds + 3600, exp: nowSeconds + 4500 }],
    ['negative iat', { iat: -1 }],
    ['fractional iat', { iat: nowSeconds - 0.5 }],
    ['exp not after iat', { exp: claims.iat }],
    ['nbf of 2^53', { nbf: 2 ** 53 }],
    ['nbf in the future beyond the clock skew', { nbf: nowSeconds + 3600 }],
  ];
  for (const [name, times] of cases) {
    const error = verifyError(() => hs.verify(signed(times)));
    assert.is(error.reason, 'TOKEN_INVALID', name);
  }
  // Within the clock skew (30 s) a token from a clock slightly ahead is still accepted.
  assert.is(hs.verify(signed({ iat: nowSeconds + 20, nbf: nowSeconds + 20 })).sub, grant.subject);
});

test('a token longer than 8 KiB is TOKEN_INVALID even when the real key signed it', () => {
  const { now } = clock();
  const hs = tokens({ now });
  const { claims } = hs.sign(grant);
  const long = forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, roles: ['x'.repeat(8192)] }, secret);
  assert.ok(long.length > 8192);
  assert.is(verifyError(() => hs.verify(long)).reason, 'TOKEN_INVALID');
  // The same token with a short role is fine: the length, not the content, is refused.
  assert.is(
    hs.verify(forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, roles: ['x'] }, secret)).sub,
    grant.subject,
  );
});

test('a cached token is not verified again but still expires at exp', () => {
  const { state, now } = clock();
  const issuer = tokens({ now, clockSkewMs: 0 });
  const { token } = issuer.sign(grant);
  const original = jwt.verify;
  let calls = 0;
  // jsonwebtoken is CommonJS, so its default export is one shared, patchable object.
  (jwt as { verify: unknown }).verify = (...args: unknown[]) => {
    calls++;
    return (original as (...a: unknown[]) => unknown)(...args);
  };
  try {
    for (let i = 0; i < 5; i++) issuer.verify(token);
    assert.is(calls, 1, 'verified once');
    state.now += 900_000;
    assert.is(verifyError(() => issuer.verify(token)).reason, 'TOKEN_EXPIRED');
    assert.is(calls, 2, 'an expired entry is verified again, and refused');
  } finally {
    (jwt as { verify: unknown }).verify = original;
  }
});

test('forget(jti) drops the cached verification of that token only', () => {
  const issuer = tokens();
  const a = issuer.sign(grant);
  const b = issuer.sign(grant);
  issuer.verify(a.token);
  issuer.verify(b.token);
  const original = jwt.verify;
  const verified: string[] = [];
  (jwt as { verify: unknown }).verify = (token: string, ...rest: unknown[]) => {
    verified.push(token);
    return (original as (...a: unknown[]) => unknown)(token, ...rest);
  };
  try {
    issuer.forget(a.claims.jti);
    issuer.verify(a.token);
    issuer.verify(b.token);
    assert.equal(verified, [a.token]);
  } finally {
    (jwt as { verify: unknown }).verify = original;
  }
});

test('publicJwks publishes the public key with a thumbprint kid, and nothing for HS256', () => {
  assert.equal(tokens().publicJwks(), { keys: [] });
  for (const [name, key, pub] of [
    ['RS256', keys[1]?.[1], rsa.publicKey],
    ['ES256', keys[2]?.[1], ec.publicKey],
  ] as [string, AccessTokenKey, KeyObject][]) {
    const issuer = tokens({ key });
    const jwks = issuer.publicJwks();
    assert.is(jwks.keys.length, 1, name);
    const [jwk] = jwks.keys;
    assert.is(jwk?.alg, name);
    assert.is(jwk?.use, 'sig');
    assert.not.ok('d' in (jwk ?? {}), `${name}: no private member`);
    const { token } = issuer.sign(grant);
    assert.is(jwt.decode(token, { complete: true })?.header.kid, jwk?.kid, `${name}: header names the kid`);
    assert.equal({ ...pub.export({ format: 'jwk' }), kid: jwk?.kid, alg: name, use: 'sig' }, jwk);
  }
});

test('the kid is the RFC 7638 thumbprint of the public key', () => {
  const thumbprint = (members: object) =>
    createHash('sha256').update(JSON.stringify(members)).digest('base64url');
  const r = rsa.publicKey.export({ format: 'jwk' });
  const e = ec.publicKey.export({ format: 'jwk' });
  const cases: [string, AccessTokenKey, string][] = [
    ['RS256', keys[1]?.[1] as AccessTokenKey, thumbprint({ e: r.e, kty: 'RSA', n: r.n })],
    ['ES256', keys[2]?.[1] as AccessTokenKey, thumbprint({ crv: 'P-256', kty: 'EC', x: e.x, y: e.y })],
  ];
  for (const [name, key, expected] of cases) {
    assert.is(tokens({ key }).publicJwks().keys[0]?.kid, expected, name);
  }
});

test('options that cannot be safe are refused when the signer is made', () => {
  const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const cases: [string, Partial<AccessTokenOptions>][] = [
    ['short HS256 secret', { key: { algorithm: 'HS256', secret: 'short' } }],
    ['RSA below 2048 bits', { key: { algorithm: 'RS256', privateKey: weakRsa.privateKey } }],
    ['EC key for RS256', { key: { algorithm: 'RS256', privateKey: ec.privateKey } }],
    ['RSA key for ES256', { key: { algorithm: 'ES256', privateKey: rsa.privateKey } }],
    ['public key as private', { key: { algorithm: 'RS256', privateKey: rsa.publicKey } }],
    ['empty issuer', { issuer: '' }],
    ['negative skew', { clockSkewMs: -1 }],
    ['ttl under a second', { ttlMs: 10 }],
  ];
  for (const [name, overrides] of cases) assert.throws(() => tokens(overrides), RangeError, name);
});

test('a scope that is not an RFC 6749 scope token is INVALID_ARGUMENT', () => {
  for (const scope of ['', 'two words', 'quote"', 'back\\slash', 'caf\u00e9']) {
    const error = verifyError(() => tokens().sign({ ...grant, scopes: [scope] }));
    assert.is(error.code, Code.INVALID_ARGUMENT, scope);
    assert.is(error.reason, 'INVALID_SCOPE', scope);
  }
});

test.run();
