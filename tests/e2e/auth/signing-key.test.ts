import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { passwordGrant, TEST_ADMIN } from '../../helpers/app.ts';
import { runTs, tempDir } from '../../helpers/process.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

/**
 * How access tokens are signed and published: the generated HS256 secret that survives restarts,
 * an RS256 key whose public half other services read from /.well-known/jwks.json, the RFC 8414
 * metadata, and the tokens no key of ours signed.
 */

type Json = Record<string, unknown>;

const servers: ServerProcess[] = [];

async function serve(env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServer({ env });
  servers.push(server);
  return server;
}

async function stopAll(): Promise<void> {
  for (const server of servers.splice(0)) await server.stop();
}

async function getJson(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: Json = {};
  try {
    json = JSON.parse(text) as Json;
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, text, json };
}

function whoAmI(httpBase: string, token: string) {
  return getJson(`${httpBase}/api/v1/auth/whoami`, { headers: { authorization: `Bearer ${token}` } });
}

function headerOf(token: string): Json {
  return JSON.parse(Buffer.from(String(token.split('.')[0]), 'base64url').toString('utf8')) as Json;
}

function reasonOf(body: Json): unknown {
  const details = (body.details ?? []) as Json[];
  return details.find((detail) => String(detail['@type']).endsWith('ErrorInfo'))?.reason;
}

// --- the generated secret -------------------------------------------------------------------

const secret = suite('the generated HS256 signing secret');
secret.after(stopAll);

secret(
  'the first start writes secret.key (mode 0600); tokens issued before a restart still verify after it',
  async () => {
    const dataDir = tempDir('hcs-data-');
    const first = await serve({ HCS_DATA_DIR: dataDir });
    const file = join(dataDir, 'secret.key');
    assert.is(statSync(file).mode & 0o777, 0o600);
    const material = readFileSync(file, 'utf8');
    assert.ok(Buffer.from(material.trim(), 'base64url').length >= 32, 'at least 32 bytes of secret');
    const { access_token } = await passwordGrant(first.httpBase, TEST_ADMIN.username, TEST_ADMIN.password);
    assert.is(headerOf(access_token).alg, 'HS256');
    assert.is(await first.stop(), 0);

    const second = await serve({ HCS_DATA_DIR: dataDir });
    assert.is(readFileSync(file, 'utf8'), material, 'the secret is read back, not replaced');
    const me = await whoAmI(second.httpBase, access_token);
    assert.is(me.status, 200, me.text);
    assert.is(me.json.subject, 'users/admin');
  },
);

secret(
  'with the HS256 secret nothing is published: jwks.json has no keys and the metadata no jwks_uri',
  async () => {
    const server = servers.at(-1) ?? (await serve());
    const jwks = await getJson(`${server.httpBase}/.well-known/jwks.json`);
    assert.is(jwks.status, 200);
    assert.equal(jwks.json, { keys: [] });
    const metadata = await getJson(`${server.httpBase}/.well-known/oauth-authorization-server`);
    assert.is(metadata.json.jwks_uri, undefined);
  },
);

secret(
  'production without HCS_SECRET_KEY or a key file refuses to start with exit 2 naming HCS_SECRET_KEY',
  async () => {
    const dataDir = tempDir('hcs-data-');
    const run = runTs('src/main.ts', ['serve'], {
      env: { HCS_ENV: 'production', HCS_DATA_DIR: dataDir, HCS_GRPC_PORT: '0', HCS_HTTP_PORT: '0' },
    });
    assert.is(await run.exited, 2);
    assert.match(run.stderr.join('\n'), 'HCS_SECRET_KEY');
    assert.throws(() => statSync(join(dataDir, 'secret.key')), 'no secret was generated');
  },
);

secret.run();

// --- tokens no key of ours signed -----------------------------------------------------------

const forged = suite('tokens the server did not sign, or no longer accepts');
let target: ServerProcess;
let realSecret: Buffer;
forged.before(async () => {
  target = await serve();
  realSecret = Buffer.from(readFileSync(join(target.dataDir, 'secret.key'), 'utf8').trim(), 'base64url');
});
forged.after(stopAll);

const claims = () => ({ sub: 'users/admin', roles: ['admin'], scope: '*', jti: 'hand-made-token-01' });
const signOptions = { issuer: 'hcs', audience: 'hcs', expiresIn: 300 } as const;

forged(
  'a token built by hand with the server secret is accepted (the forged cases below differ in one thing)',
  async () => {
    const token = jwt.sign(claims(), realSecret, { ...signOptions, algorithm: 'HS256' });
    const me = await whoAmI(target.httpBase, token);
    assert.is(me.status, 200, me.text);
  },
);

forged(
  'alg none, another HS256 secret and an expired token are refused with 401 and WWW-Authenticate',
  async () => {
    const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims(), iss: 'hcs', aud: 'hcs', iat: now, exp: now + 300 };
    const cases: [string, string, string][] = [
      ['alg none', `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`, 'TOKEN_INVALID'],
      [
        'another HS256 secret',
        jwt.sign(claims(), 'another-secret-of-at-least-32-bytes!!', { ...signOptions, algorithm: 'HS256' }),
        'TOKEN_INVALID',
      ],
      [
        'another issuer',
        jwt.sign(claims(), realSecret, { ...signOptions, issuer: 'someone-else', algorithm: 'HS256' }),
        'TOKEN_INVALID',
      ],
      [
        'expired (beyond the 30 s clock skew)',
        jwt.sign({ ...claims(), iat: now - 600, exp: now - 120 }, realSecret, {
          issuer: 'hcs',
          audience: 'hcs',
          algorithm: 'HS256',
        }),
        'TOKEN_EXPIRED',
      ],
    ];
    for (const [label, token, reason] of cases) {
      const me = await whoAmI(target.httpBase, token);
      assert.is(me.status, 401, `${label}: ${me.text}`);
      assert.is(me.headers.get('www-authenticate'), 'Bearer realm="hcs"', label);
      assert.is(reasonOf(me.json), reason, `${label}: ${me.text}`);
    }
  },
);

forged.run();

// --- an RS256 key other services verify with ------------------------------------------------

const rsa = suite('RS256 with HCS_JWT_PRIVATE_KEY_FILE');
let rsaServer: ServerProcess;
rsa.before(async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(tempDir('hcs-key-'), 'jwt.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  // Production is fine without HCS_SECRET_KEY when a key file is set.
  rsaServer = await serve({ HCS_ENV: 'production', HCS_JWT_PRIVATE_KEY_FILE: keyFile });
});
rsa.after(stopAll);

rsa('jwks.json publishes one public RSA key (kid, alg RS256, use sig), publicly cacheable', async () => {
  const jwks = await getJson(`${rsaServer.httpBase}/.well-known/jwks.json`);
  assert.is(jwks.status, 200, jwks.text);
  assert.match(String(jwks.headers.get('cache-control')), 'public');
  const keys = jwks.json.keys as Json[];
  assert.is(keys.length, 1);
  const [key] = keys as [Json];
  assert.is(key.kty, 'RSA');
  assert.is(key.alg, 'RS256');
  assert.is(key.use, 'sig');
  assert.type(key.kid, 'string');
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
    assert.is(key[member], undefined, `the private member ${member} is never published`);
  }
  assert.not.ok(existsSecretKey(), 'no HS256 secret is generated when a key file is set');
  const metadata = await getJson(`${rsaServer.httpBase}/.well-known/oauth-authorization-server`);
  assert.is(metadata.json.jwks_uri, `${rsaServer.httpBase}/.well-known/jwks.json`);
});

function existsSecretKey(): boolean {
  try {
    statSync(join(rsaServer.dataDir, 'secret.key'));
    return true;
  } catch {
    return false;
  }
}

rsa('another service verifies an access token with the JWKS alone, without calling hcs', async () => {
  const { access_token } = await passwordGrant(rsaServer.httpBase, TEST_ADMIN.username, TEST_ADMIN.password);
  const jwks = await getJson(`${rsaServer.httpBase}/.well-known/jwks.json`);
  const [jwk] = jwks.json.keys as [JsonWebKey & { kid: string }];
  const header = headerOf(access_token);
  assert.is(header.alg, 'RS256');
  assert.is(header.kid, jwk.kid);
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  const verified = jwt.verify(access_token, publicKey, {
    algorithms: ['RS256'],
    issuer: 'hcs',
    audience: 'hcs',
  }) as jwt.JwtPayload;
  assert.is(verified.sub, 'users/admin');
  assert.equal(verified.roles, ['admin']);
  assert.is((await whoAmI(rsaServer.httpBase, access_token)).status, 200);
});

rsa(
  'an HS256 token keyed with the published public key (algorithm confusion) is refused with 401',
  async () => {
    const jwks = await getJson(`${rsaServer.httpBase}/.well-known/jwks.json`);
    const [jwk] = jwks.json.keys as [JsonWebKey];
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const token = jwt.sign(claims(), Buffer.from(pem), { ...signOptions, algorithm: 'HS256' });
    const me = await whoAmI(rsaServer.httpBase, token);
    assert.is(me.status, 401, me.text);
  },
);

rsa.run();

// --- RFC 8414 metadata ----------------------------------------------------------------------

const metadata = suite('/.well-known/oauth-authorization-server');
metadata.after(stopAll);

metadata('without HCS_PUBLIC_URL the endpoints are built from the request Host', async () => {
  const server = await serve();
  const response = await getJson(`${server.httpBase}/.well-known/oauth-authorization-server`);
  assert.is(response.status, 200, response.text);
  assert.is(response.json.issuer, 'hcs');
  assert.is(response.json.token_endpoint, `${server.httpBase}/api/v1/auth/token`);
  assert.is(response.json.revocation_endpoint, `${server.httpBase}/api/v1/auth/revoke`);
  assert.equal(response.json.grant_types_supported, ['password', 'refresh_token']);
  assert.ok((response.json.scopes_supported as string[]).includes('registry:read'));
});

metadata('a Host header that is not a plain host[:port] is not echoed into the endpoints', async () => {
  const server = servers.at(-1) as ServerProcess;
  const body = await new Promise<string>((resolve, reject) => {
    const sent = request(
      `${server.httpBase}/.well-known/oauth-authorization-server`,
      { headers: { host: 'attacker.example/phish?x=' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      },
    );
    sent.on('error', reject);
    sent.end();
  });
  const json = JSON.parse(body) as Json;
  assert.is(json.token_endpoint, '/api/v1/auth/token');
  assert.not.match(body, 'attacker');
});

metadata('a POST to a well-known document is 405 with Allow: GET, HEAD', async () => {
  const server = servers.at(-1) as ServerProcess;
  for (const path of ['/.well-known/jwks.json', '/.well-known/oauth-authorization-server']) {
    const response = await getJson(`${server.httpBase}${path}`, { method: 'POST', body: '{}' });
    assert.is(response.status, 405, `${path}: ${response.text}`);
    assert.is(response.headers.get('allow'), 'GET, HEAD');
  }
});

metadata('with HCS_PUBLIC_URL the endpoints start with it and access tokens carry it as iss', async () => {
  const server = await serve({ HCS_PUBLIC_URL: 'https://edge.example.net' });
  const response = await getJson(`${server.httpBase}/.well-known/oauth-authorization-server`);
  assert.is(response.json.issuer, 'https://edge.example.net');
  assert.is(response.json.token_endpoint, 'https://edge.example.net/api/v1/auth/token');
  assert.is(response.json.revocation_endpoint, 'https://edge.example.net/api/v1/auth/revoke');
  const { access_token } = await passwordGrant(server.httpBase, TEST_ADMIN.username, TEST_ADMIN.password);
  const payload = jwt.decode(access_token) as jwt.JwtPayload;
  assert.is(payload.iss, 'https://edge.example.net');
  assert.is((await whoAmI(server.httpBase, access_token)).status, 200);
});

metadata.run();
