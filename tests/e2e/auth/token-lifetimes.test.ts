import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../../src/platform/config/index.ts';
import { passwordGrant, startTestApp, TEST_ADMIN, type TestApp } from '../../helpers/app.ts';

// The part of better-sqlite3 (the server's own SQLite driver, which ships no types) read here.
const Database = createRequire(import.meta.url)('better-sqlite3') as new (
  file: string,
  options: { readonly: boolean; fileMustExist: boolean },
) => { prepare(sql: string): { all(): unknown[] }; close(): void };

/**
 * HCS_ACCESS_TOKEN_TTL_MS and HCS_REFRESH_TOKEN_TTL_MS reach what a client sees: `expires_in`,
 * the JWT's `exp`, and the expiry of the sign-in its refresh tokens belong to.
 */
let app: TestApp;

test.before(async () => {
  app = await startTestApp({
    env: { HCS_ACCESS_TOKEN_TTL_MS: '120000', HCS_REFRESH_TOKEN_TTL_MS: '600000' },
  });
});

test.after(async () => {
  await app?.close();
});

function claimsOf(jwt: string): { iat: number; exp: number } {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iat: number; exp: number };
}

function refreshExpiries(): number[] {
  const database = new Database(join(app.dataDir, 'hcs.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = database.prepare('SELECT expire_time FROM refresh_tokens ORDER BY create_time').all() as {
      expire_time: number | string;
    }[];
    return rows.map((row) => new Date(row.expire_time).getTime());
  } finally {
    database.close();
  }
}

test('an access token lives HCS_ACCESS_TOKEN_TTL_MS, and a refresh keeps the sign-in expiry', async () => {
  const before = Date.now();
  const granted = await passwordGrant(app.httpBase, TEST_ADMIN.username, TEST_ADMIN.password);
  assert.is(granted.expires_in, 120);
  const claims = claimsOf(granted.access_token);
  assert.is(claims.exp - claims.iat, 120);

  const signIn = refreshExpiries();
  assert.is(signIn.length, 1);
  const expiry = signIn[0] ?? 0;
  assert.ok(expiry >= before + 600_000 && expiry <= Date.now() + 600_000, `sign-in expires at ${expiry}`);

  const refreshed = await fetch(`${app.httpBase}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: granted.refresh_token }),
  });
  const body = (await refreshed.json()) as { expires_in: number };
  assert.is(refreshed.status, 200, JSON.stringify(body));
  assert.is(body.expires_in, 120);
  // The successor inherits the sign-in's expiry: rotation never extends a sign-in.
  assert.equal(refreshExpiries(), [expiry, expiry]);
});

test('lifetimes outside their bounds are configuration errors naming the variable', () => {
  for (const [name, value] of [
    ['HCS_ACCESS_TOKEN_TTL_MS', '59999'],
    ['HCS_ACCESS_TOKEN_TTL_MS', '86400001'],
    ['HCS_REFRESH_TOKEN_TTL_MS', '1000'],
    ['HCS_REFRESH_TOKEN_TTL_MS', 'thirty days'],
  ] as const) {
    assert.throws(
      () => loadConfig({ env: { [name]: value }, cwd: app.dataDir }),
      (error: Error) => error.message.includes(name),
      `${name}=${value}`,
    );
  }
});

test.run();
