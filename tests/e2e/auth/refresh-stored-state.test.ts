import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDatabase, type Database } from '../../../src/platform/db/index.ts';
import { createLogger } from '../../../src/platform/log/index.ts';
import { passwordGrant, startTestApp, TEST_ADMIN, type TestApp } from '../../helpers/app.ts';

/**
 * A refresh decides on what is stored now, not on what held when the token was issued: a
 * family past its expiry, or a user disabled, refreshes no more. A family lives 30 days, and
 * the API ends a user's sign-ins as it disables them, so the tests change the stored rows
 * through a second connection to the app's SQLite file: the refresh's own checks are what
 * stands between those rows and a new token.
 */

let app: TestApp;
let db: Database;

test.before(async () => {
  app = await startTestApp();
  db = await createDatabase({
    config: { databaseUrl: undefined, dataDir: app.dataDir },
    logger: createLogger({ level: 'silent' }),
  });
});

test.after(async () => {
  await db?.close();
  await app?.close();
});

async function refresh(token: string) {
  const response = await fetch(`${app.httpBase}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

test('a refresh token of a family past its expire time is invalid_grant', async () => {
  const signedIn = await passwordGrant(app.httpBase, TEST_ADMIN.username, TEST_ADMIN.password);
  const rotated = await refresh(signedIn.refresh_token);
  assert.is(rotated.status, 200, JSON.stringify(rotated.json));
  const updated = await db
    .em()
    .getConnection()
    .execute('update refresh_tokens set expire_time = ?', [Date.now() - 1000], 'run');
  assert.ok(Number((updated as { affectedRows?: number }).affectedRows) > 0, 'the family was found');
  const expired = await refresh(String(rotated.json.refresh_token));
  assert.is(expired.status, 400, JSON.stringify(expired.json));
  assert.is(expired.json.error, 'invalid_grant');
});

test('a refresh token of a user disabled in the database is invalid_grant', async () => {
  const created = await fetch(`${app.httpBase}/api/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await app.adminToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      user: { username: 'dora', roles: ['viewer'] },
      password: 'a long enough password',
    }),
  });
  assert.is(created.status, 200, await created.text());
  const signedIn = await passwordGrant(app.httpBase, 'dora', 'a long enough password');
  const updated = await db
    .em()
    .getConnection()
    .execute("update users set disabled = 1 where username = 'dora'", [], 'run');
  assert.is(Number((updated as { affectedRows?: number }).affectedRows), 1);
  const refused = await refresh(signedIn.refresh_token);
  assert.is(refused.status, 400, JSON.stringify(refused.json));
  assert.is(refused.json.error, 'invalid_grant');
});

test.run();
