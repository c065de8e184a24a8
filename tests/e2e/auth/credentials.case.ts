import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ChangePasswordRequest,
  CreateTokenRequest,
  CreateTokenResponse,
  CredentialKind,
  WhoAmIResponse,
} from '../../../src/gen/hcs/v1/auth.ts';
import { passwordGrant, startTestApp, TEST_ADMIN, type TestApp } from '../../helpers/app.ts';
import { callRaw, rawClient, statusDetails } from '../../helpers/grpc-client.ts';

/** Where a credentials suite runs: extra environment (a database) and how to clean it up. */
export interface CredentialsTarget {
  label: string;
  open(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

type Json = Record<string, unknown>;

/**
 * Signing in, refreshing, revoking, API keys and throttling, end to end over REST and gRPC on a
 * real hcs with a real database: what a client of the token endpoint relies on.
 */
export function runCredentialCases(target: CredentialsTarget): void {
  const test = suite(`credentials on ${target.label}`);
  let app: TestApp;
  let cleanup: () => Promise<void> = async () => undefined;

  test.before(async () => {
    const opened = await target.open();
    cleanup = opened.cleanup;
    app = await startTestApp({
      env: { ...opened.env, HCS_SERVICE_API_KEYS: 'bootstrap-key-for-tests-0123456789' },
      // Every test here signs in from 127.0.0.1: the per-address limit is unit-tested instead.
      throttle: { freeFailuresPerAddress: 1000 },
    });
  });

  test.after(async () => {
    await app?.close();
    await cleanup();
  });

  async function rest(
    method: string,
    path: string,
    init: { token?: string; apiKey?: string; json?: unknown; form?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = {};
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.apiKey !== undefined) headers['x-api-key'] = init.apiKey;
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(`${app.httpBase}${path}`, { method, headers, body });
    const text = await response.text();
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  async function createUser(username: string, roles: string[], password = 'a long enough password') {
    const created = await rest('POST', '/api/v1/users', {
      token: await app.adminToken(),
      json: { user: { username, roles }, password },
    });
    assert.is(created.status, 200, created.text);
  }

  test('the password grant answers RFC 6749 §5.1 JSON to a form post, never cached', async () => {
    const response = await rest('POST', '/api/v1/auth/token', {
      form: { grant_type: 'password', username: TEST_ADMIN.username, password: TEST_ADMIN.password },
    });
    assert.is(response.status, 200, response.text);
    assert.is(response.json.token_type, 'Bearer');
    assert.is(response.json.expires_in, 900);
    assert.is(response.json.scope, '*');
    assert.match(String(response.json.access_token), /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(String(response.json.refresh_token), /^hcs_rt_[0-9a-f]{16}_/);
    assert.is(response.headers.get('cache-control'), 'no-store');
    const me = await rest('GET', '/api/v1/auth/whoami', { token: String(response.json.access_token) });
    assert.is(me.status, 200, me.text);
    assert.is(me.json.subject, 'users/admin');
    assert.equal(me.json.roles, ['admin']);
    assert.is(me.json.credentialKind, 'CREDENTIAL_KIND_ACCESS_TOKEN');
  });

  test('the token endpoint answers RFC error JSON with status 400 and one message for unknown user and wrong password', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ grant_type: 'password', username: 'admin', password: 'wrong password!' }, 'invalid_grant'],
      [{ grant_type: 'password', username: 'nobody-here', password: 'wrong password!' }, 'invalid_grant'],
      [{ grant_type: 'password', username: 'admin' }, 'invalid_request'],
      [{ grant_type: 'client_credentials' }, 'unsupported_grant_type'],
      [{ grant_type: 'password', username: 'admin', password: 'x', scope: 'devices:fly' }, 'invalid_scope'],
      [{ grant_type: 'refresh_token', refresh_token: 'hcs_rt_0000000000000000_nope' }, 'invalid_grant'],
      [{ username: 'admin' }, 'invalid_request'],
    ];
    const messages = new Set<string>();
    for (const [form, error] of cases) {
      const response = await rest('POST', '/api/v1/auth/token', { form });
      assert.is(response.status, 400, `${JSON.stringify(form)}: ${response.text}`);
      assert.is(response.json.error, error, JSON.stringify(form));
      assert.type(response.json.error_description, 'string');
      assert.is(response.headers.get('cache-control'), 'no-store');
      if (form.username !== undefined && error === 'invalid_grant')
        messages.add(String(response.json.error_description));
    }
    assert.equal([...messages], ['the username or password is wrong']);
  });

  test('the password grant over gRPC gives the same tokens; a wrong password is UNAUTHENTICATED INVALID_GRANT', async () => {
    const client = rawClient(app.grpcTarget);
    const ok = await callRaw(
      client,
      '/hcs.v1.AuthService/CreateToken',
      Buffer.from(
        CreateTokenRequest.encode(
          CreateTokenRequest.fromPartial({
            grantType: 'password',
            username: TEST_ADMIN.username,
            password: TEST_ADMIN.password,
            scope: 'devices:read auth:read',
          }),
        ).finish(),
      ),
    );
    assert.is(ok.error, undefined, ok.error?.message);
    const tokens = CreateTokenResponse.decode(ok.response ?? Buffer.alloc(0));
    assert.is(tokens.scope, 'auth:read devices:read');
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${tokens.accessToken}`);
    const me = await callRaw(client, '/hcs.v1.AuthService/WhoAmI', Buffer.alloc(0), metadata);
    assert.is(me.error, undefined, me.error?.message);
    const principal = WhoAmIResponse.decode(me.response ?? Buffer.alloc(0)).principal;
    assert.equal(principal?.scopes, ['auth:read', 'devices:read']);
    assert.is(principal?.credentialKind, CredentialKind.CREDENTIAL_KIND_ACCESS_TOKEN);

    const wrong = await callRaw(
      client,
      '/hcs.v1.AuthService/CreateToken',
      Buffer.from(
        CreateTokenRequest.encode(
          CreateTokenRequest.fromPartial({
            grantType: 'password',
            username: 'admin',
            password: 'not it at all',
          }),
        ).finish(),
      ),
    );
    assert.is(wrong.error?.code, GrpcStatus.UNAUTHENTICATED);
    const details = statusDetails(wrong.error);
    assert.is(details?.errorInfo?.reason, 'INVALID_GRANT');
    assert.is(details?.errorInfo?.metadata.oauth_error, 'invalid_grant');
    client.close();
  });

  test('a refresh rotates the refresh token; replaying a used one revokes the whole family', async () => {
    await createUser('rotor', ['operator']);
    const first = await passwordGrant(
      app.httpBase,
      'rotor',
      'a long enough password',
      'devices:read devices:write',
    );
    const refresh = () => (token: string, scope?: string) =>
      rest('POST', '/api/v1/auth/token', {
        json: { grant_type: 'refresh_token', refresh_token: token, ...(scope ? { scope } : {}) },
      });
    const second = await refresh()(first.refresh_token);
    assert.is(second.status, 200, second.text);
    assert.is.not(second.json.refresh_token, first.refresh_token);
    assert.is(second.json.scope, 'devices:read devices:write');
    const narrowed = await refresh()(String(second.json.refresh_token), 'devices:read');
    assert.is(narrowed.status, 200, narrowed.text);
    assert.is(narrowed.json.scope, 'devices:read');
    const widened = await refresh()(String(narrowed.json.refresh_token), 'system:write');
    assert.is(widened.status, 400);
    assert.is(widened.json.error, 'invalid_scope');
    const current = String(narrowed.json.refresh_token);
    const currentAccess = String(narrowed.json.access_token);
    assert.is((await rest('GET', '/api/v1/auth/whoami', { token: currentAccess })).status, 200);

    // A thief replays the first token: refused, and the family dies with it.
    const replay = await refresh()(first.refresh_token);
    assert.is(replay.status, 400);
    assert.is(replay.json.error, 'invalid_grant');
    const afterReplay = await refresh()(current);
    assert.is(afterReplay.status, 400, 'the legitimate holder must sign in again');
    const revokedAccess = await rest('GET', '/api/v1/auth/whoami', { token: currentAccess });
    assert.is(revokedAccess.status, 401);
    assert.match(revokedAccess.text, 'TOKEN_REVOKED');
    const events = await rest('GET', '/api/v1/auth/securityEvents?action=hcs.v1.AuthService.CreateToken', {
      token: await app.adminToken(),
    });
    const details = (events.json.auditEntries as { details: Record<string, string> }[]).map(
      (entry) => entry.details,
    );
    assert.ok(
      details.some((detail) => detail.why === 'reused: family revoked'),
      'the replay is in the security log',
    );
    assert.ok(details.some((detail) => detail.grant_type === 'refresh_token' && detail.why === undefined));
  });

  test('a refresh token with the real lookup id but a forged secret is refused and spends nothing', async () => {
    await createUser('forger', ['operator']);
    const signedIn = await passwordGrant(app.httpBase, 'forger', 'a long enough password');
    const real = signedIn.refresh_token;
    // The same lookup id; the last character of the 256-bit secret changed.
    const forged = `${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}`;
    const refresh = (token: string) =>
      rest('POST', '/api/v1/auth/token', { form: { grant_type: 'refresh_token', refresh_token: token } });
    const refused = await refresh(forged);
    assert.is(refused.status, 400, refused.text);
    assert.is(refused.json.error, 'invalid_grant');
    // The forgery neither used the real token nor revoked its family.
    const honest = await refresh(real);
    assert.is(honest.status, 200, honest.text);
  });

  test('RevokeToken (RFC 7009) ends an access token at once and answers 200 even for junk', async () => {
    const { access_token, refresh_token } = await passwordGrant(
      app.httpBase,
      TEST_ADMIN.username,
      TEST_ADMIN.password,
    );
    assert.is((await rest('GET', '/api/v1/auth/whoami', { token: access_token })).status, 200);
    const revoked = await rest('POST', '/api/v1/auth/revoke', {
      form: { token: access_token, token_type_hint: 'access_token' },
    });
    assert.is(revoked.status, 200, revoked.text);
    const after = await rest('GET', '/api/v1/auth/whoami', { token: access_token });
    assert.is(after.status, 401);
    assert.match(after.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.match(after.text, 'TOKEN_REVOKED');
    for (const token of ['junk', refresh_token, refresh_token]) {
      assert.is((await rest('POST', '/api/v1/oauth2/revoke', { json: { token } })).status, 200);
    }
    const refreshed = await rest('POST', '/api/v1/auth/token', {
      form: { grant_type: 'refresh_token', refresh_token },
    });
    assert.is(refreshed.json.error, 'invalid_grant', 'a revoked refresh token no longer refreshes');
  });

  test('ChangePassword checks the current password and revokes the refresh tokens', async () => {
    await createUser('changer', ['viewer'], 'the first password');
    const session = await passwordGrant(app.httpBase, 'changer', 'the first password');
    const wrong = await rest('POST', '/api/v1/auth/password:change', {
      token: session.access_token,
      json: { currentPassword: 'not the password', newPassword: 'the second password' },
    });
    assert.is(wrong.status, 401, wrong.text);
    assert.match(wrong.text, 'INVALID_PASSWORD');
    const changed = await rest('POST', '/api/v1/auth/password:change', {
      token: session.access_token,
      json: { currentPassword: 'the first password', newPassword: 'the second password' },
    });
    assert.is(changed.status, 200, changed.text);
    const refreshed = await rest('POST', '/api/v1/auth/token', {
      form: { grant_type: 'refresh_token', refresh_token: session.refresh_token },
    });
    assert.is(refreshed.json.error, 'invalid_grant');
    assert.is(
      (
        await rest('POST', '/api/v1/auth/token', {
          form: { grant_type: 'password', username: 'changer', password: 'the first password' },
        })
      ).status,
      400,
    );
    await passwordGrant(app.httpBase, 'changer', 'the second password');
    const client = rawClient(app.grpcTarget);
    const metadata = new Metadata();
    metadata.set('x-api-key', 'bootstrap-key-for-tests-0123456789');
    const byKey = await callRaw(
      client,
      '/hcs.v1.AuthService/ChangePassword',
      Buffer.from(ChangePasswordRequest.encode({ currentPassword: 'a', newPassword: 'b' }).finish()),
      metadata,
    );
    assert.is(byKey.error?.code, GrpcStatus.FAILED_PRECONDITION, 'an API key has no password');
    client.close();
  });

  test('an API key is shown once, authenticates as x-api-key on both transports, and dies when revoked', async () => {
    const admin = await app.adminToken();
    const created = await rest('POST', '/api/v1/apiKeys', {
      token: admin,
      json: {
        apiKeyId: 'line-3-gateway',
        apiKey: { displayName: 'Line 3', roles: ['service'], scopes: ['registry:read'] },
      },
    });
    assert.is(created.status, 200, created.text);
    const secret = String(created.json.secret);
    const key = created.json.apiKey as Json;
    assert.match(secret, /^hcs_ak_[0-9a-f]{16}_[\w-]{43}$/);
    assert.ok(secret.startsWith(String(key.prefix)));
    assert.is(key.state, 'API_KEY_STATE_ACTIVE');
    assert.is(key.creator, 'users/admin');
    const read = await rest('GET', '/api/v1/apiKeys/line-3-gateway', { token: admin });
    assert.not.match(read.text, secret.slice(24), 'the secret is never shown again');
    const list = await rest('GET', '/api/v1/apiKeys', { token: admin });
    assert.ok((list.json.apiKeys as Json[]).some((item) => item.name === 'apiKeys/line-3-gateway'));

    const me = await rest('GET', '/api/v1/auth/whoami', { apiKey: secret });
    assert.is(me.status, 200, me.text);
    assert.is(me.json.subject, 'apiKeys/line-3-gateway');
    assert.is(me.json.credentialKind, 'CREDENTIAL_KIND_API_KEY');
    const client = rawClient(app.grpcTarget);
    const metadata = new Metadata();
    metadata.set('x-api-key', secret);
    assert.is(
      (await callRaw(client, '/hcs.v1.AuthService/WhoAmI', Buffer.alloc(0), metadata)).error,
      undefined,
    );
    const denied = await rest('GET', '/api/v1/users', { apiKey: secret });
    assert.is(denied.status, 403, 'a service key is not an admin');

    const revoked = await rest('POST', '/api/v1/apiKeys/line-3-gateway:revoke', { token: admin, json: {} });
    assert.is(revoked.status, 200, revoked.text);
    assert.is(revoked.json.state, 'API_KEY_STATE_REVOKED');
    const after = await callRaw(client, '/hcs.v1.AuthService/WhoAmI', Buffer.alloc(0), metadata);
    assert.is(after.error?.code, GrpcStatus.UNAUTHENTICATED);
    assert.is(statusDetails(after.error)?.errorInfo?.reason, 'API_KEY_INVALID');
    assert.is((await rest('GET', '/api/v1/auth/whoami', { apiKey: secret })).status, 401);
    const again = await rest('POST', '/api/v1/apiKeys/line-3-gateway:revoke', { token: admin, json: {} });
    assert.is(again.json.revokeTime, revoked.json.revokeTime, 'revoking twice keeps the first time');
    client.close();
  });

  test('an API key authenticates only with its whole secret, and only until its expire_time', async () => {
    const admin = await app.adminToken();
    const expireAt = Date.now() + 2500;
    const created = await rest('POST', '/api/v1/apiKeys', {
      token: admin,
      json: {
        apiKeyId: 'short-lived',
        apiKey: {
          roles: ['service'],
          scopes: ['registry:read'],
          expireTime: new Date(expireAt).toISOString(),
        },
      },
    });
    assert.is(created.status, 200, created.text);
    const secret = String(created.json.secret);
    // The real lookup id with one character of the secret changed.
    const forged = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const client = rawClient(app.grpcTarget);
    const whoAmI = async (key: string) => {
      const metadata = new Metadata();
      metadata.set('x-api-key', key);
      const overGrpc = await callRaw(client, '/hcs.v1.AuthService/WhoAmI', Buffer.alloc(0), metadata);
      const overRest = await rest('GET', '/api/v1/auth/whoami', { apiKey: key });
      return { grpc: overGrpc.error, rest: overRest };
    };
    const assertRefused = async (key: string, what: string) => {
      const { grpc, rest: answer } = await whoAmI(key);
      assert.is(grpc?.code, GrpcStatus.UNAUTHENTICATED, `${what} over gRPC`);
      assert.is(statusDetails(grpc)?.errorInfo?.reason, 'API_KEY_INVALID', what);
      assert.is(answer.status, 401, `${what} over REST: ${answer.text}`);
    };

    await assertRefused(forged, 'a wrong secret, the key never used');
    const real = await whoAmI(secret);
    assert.is(real.grpc, undefined, real.grpc?.message);
    assert.is(real.rest.status, 200, real.rest.text);
    await assertRefused(forged, 'a wrong secret, the key just verified');

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expireAt - Date.now() + 50)));
    await assertRefused(secret, 'the right secret past expire_time');
    const read = await rest('GET', '/api/v1/apiKeys/short-lived', { token: admin });
    assert.is(read.json.state, 'API_KEY_STATE_EXPIRED', read.text);
    client.close();
  });

  test('a bootstrap key from HCS_SERVICE_API_KEYS is a service principal', async () => {
    const me = await rest('GET', '/api/v1/auth/whoami', { apiKey: 'bootstrap-key-for-tests-0123456789' });
    assert.is(me.status, 200, me.text);
    assert.match(String(me.json.subject), /^apiKeys\/bootstrap-1$/);
    assert.equal(me.json.roles, ['service']);
    assert.is(
      (await rest('GET', '/api/v1/auth/whoami', { apiKey: 'bootstrap-key-for-tests-012345678' })).status,
      401,
    );
  });

  test('failed logins are throttled per username with 429 and Retry-After, and audited', async () => {
    await createUser('target', ['viewer'], 'the real password');
    const attempt = (password: string) =>
      rest('POST', '/api/v1/auth/token', { form: { grant_type: 'password', username: 'target', password } });
    for (let i = 0; i < 5; i += 1) assert.is((await attempt(`guess number ${i}`)).status, 400);
    const sixth = await attempt('guess number 5');
    assert.is(sixth.status, 400, 'the sixth failure is counted');
    const throttled = await attempt('the real password');
    assert.is(throttled.status, 429, throttled.text);
    assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
    assert.is(throttled.json.error, 'slow_down', 'still an OAuth2 error body');
    assert.match(String(throttled.json.error_description), 'too many failed logins');
    const events = await rest(
      'GET',
      '/api/v1/auth/securityEvents?target=users/target&outcome=AUDIT_OUTCOME_DENIED',
      {
        token: await app.adminToken(),
      },
    );
    assert.is(events.status, 200, events.text);
    const entries = events.json.auditEntries as Json[];
    assert.is(entries.length, 6, 'every failed attempt, newest first');
    assert.is(entries[0]?.action, 'hcs.v1.AuthService.CreateToken');
    assert.is(entries[0]?.actor, 'anonymous');
    assert.not.match(events.text, 'guess number', 'passwords are never audited');
  });

  test('a permission denial is audited with the caller and the method', async () => {
    await createUser('peeker', ['viewer']);
    const { access_token } = await passwordGrant(app.httpBase, 'peeker', 'a long enough password');
    assert.is((await rest('GET', '/api/v1/users', { token: access_token })).status, 403);
    const events = await rest('GET', '/api/v1/auth/securityEvents?actor=users/peeker', {
      token: await app.adminToken(),
    });
    const entries = events.json.auditEntries as Json[];
    assert.ok(
      entries.some(
        (entry) =>
          entry.action === 'hcs.v1.AuthService.ListUsers' && entry.outcome === 'AUDIT_OUTCOME_DENIED',
      ),
      events.text,
    );
    assert.ok(
      entries.some(
        (entry) =>
          entry.action === 'hcs.v1.AuthService.CreateToken' && entry.outcome === 'AUDIT_OUTCOME_SUCCESS',
      ),
    );
  });

  test('a disabled user cannot sign in, and its refresh tokens stop working', async () => {
    await createUser('leaver', ['operator']);
    const session = await passwordGrant(app.httpBase, 'leaver', 'a long enough password');
    const disabled = await rest('PATCH', '/api/v1/users/leaver', {
      token: await app.adminToken(),
      json: { disabled: true },
    });
    assert.is(disabled.status, 200, disabled.text);
    const login = await rest('POST', '/api/v1/auth/token', {
      form: { grant_type: 'password', username: 'leaver', password: 'a long enough password' },
    });
    assert.is(login.json.error, 'invalid_grant');
    const refreshed = await rest('POST', '/api/v1/auth/token', {
      form: { grant_type: 'refresh_token', refresh_token: session.refresh_token },
    });
    assert.is(refreshed.json.error, 'invalid_grant');
    assert.is((await rest('GET', '/api/v1/auth/whoami', { token: session.access_token })).status, 401);
  });

  test('two refreshes racing with one refresh token end the sign-in: no token they return works', async () => {
    await createUser('racer', ['viewer']);
    const refresh = (token: string) =>
      rest('POST', '/api/v1/auth/token', { form: { grant_type: 'refresh_token', refresh_token: token } });
    // Many sign-ins, each refreshed twice at once, so the interleavings that matter happen.
    const sessions = await Promise.all(
      Array.from({ length: 12 }, () => passwordGrant(app.httpBase, 'racer', 'a long enough password')),
    );
    const answers = (
      await Promise.all(
        sessions.map((session) =>
          Promise.all([refresh(session.refresh_token), refresh(session.refresh_token)]),
        ),
      )
    ).flat();
    const issued = answers.filter((answer) => answer.status === 200);
    assert.ok(
      issued.length <= sessions.length,
      `${issued.length} refreshes succeeded for ${sessions.length} races`,
    );
    for (const answer of issued) {
      assert.is((await refresh(String(answer.json.refresh_token))).status, 400, 'the family is revoked');
      assert.is(
        (await rest('GET', '/api/v1/auth/whoami', { token: String(answer.json.access_token) })).status,
        401,
      );
    }
  });

  test('taking a role away, or a reset followed by disabling, ends the access tokens already issued', async () => {
    const admin = await app.adminToken();
    await createUser('demoted', ['admin']);
    const demoted = await passwordGrant(app.httpBase, 'demoted', 'a long enough password');
    const patched = await rest('PATCH', '/api/v1/users/demoted', {
      token: admin,
      json: { roles: ['viewer'] },
    });
    assert.is(patched.status, 200, patched.text);
    const selfPromotion = await rest('PATCH', '/api/v1/users/demoted', {
      token: demoted.access_token,
      json: { roles: ['admin'] },
    });
    assert.is(selfPromotion.status, 401, 'the old admin token died with the role');

    await createUser('reset-then-disabled', ['operator']);
    const victim = await passwordGrant(app.httpBase, 'reset-then-disabled', 'a long enough password');
    const reset = await rest('POST', '/api/v1/users/reset-then-disabled:resetPassword', {
      token: admin,
      json: {},
    });
    assert.is(reset.status, 200, reset.text);
    assert.is(
      (await rest('GET', '/api/v1/auth/whoami', { token: victim.access_token })).status,
      200,
      'a reset alone keeps it',
    );
    await rest('PATCH', '/api/v1/users/reset-then-disabled', { token: admin, json: { disabled: true } });
    assert.is((await rest('GET', '/api/v1/auth/whoami', { token: victim.access_token })).status, 401);
  });

  test('a burst of concurrent wrong guesses is throttled like a sequence', async () => {
    await createUser('burst-target', ['viewer'], 'the burst password');
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rest('POST', '/api/v1/auth/token', {
          form: { grant_type: 'password', username: 'burst-target', password: `burst guess ${i}` },
        }),
      ),
    );
    const checked = guesses.filter((guess) => guess.status === 400).length;
    assert.ok(checked <= 6, `${checked} guesses were checked; 5 are free`);
    assert.ok(guesses.every((guess) => guess.status === 400 || guess.status === 429));
  });

  test('ChangePassword guesses of the current password are throttled too', async () => {
    await createUser('pw-guessed', ['viewer'], 'the real current one');
    const { access_token } = await passwordGrant(app.httpBase, 'pw-guessed', 'the real current one');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const answer = await rest('POST', '/api/v1/auth/password:change', {
        token: access_token,
        json: { currentPassword: `guess ${i} of the password`, newPassword: 'a brand new password' },
      });
      statuses.push(answer.status);
    }
    assert.equal(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.is(statuses.at(-1), 429);
  });

  test('a narrowed token cannot create an API key wider than itself', async () => {
    const narrow = await passwordGrant(app.httpBase, TEST_ADMIN.username, TEST_ADMIN.password, 'auth:write');
    const wider = await rest('POST', '/api/v1/apiKeys', {
      token: narrow.access_token,
      json: { apiKeyId: 'too-wide', apiKey: { roles: ['admin'], scopes: ['*'] } },
    });
    assert.is(wider.status, 403, wider.text);
    assert.match(wider.text, 'CREDENTIAL_WIDENING');
    const fitting = await rest('POST', '/api/v1/apiKeys', {
      token: narrow.access_token,
      json: { apiKeyId: 'fits', apiKey: { roles: ['service'], scopes: ['auth:write'] } },
    });
    assert.is(fitting.status, 200, fitting.text);
  });

  test('every failure of the token endpoint is RFC 6749 JSON, even before the grant runs', async () => {
    const post = (body: string, contentType: string) =>
      fetch(`${app.httpBase}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
    for (const [body, type, status] of [
      ['{"grant_type": "password",', 'application/json', 400],
      ['{"grant_type": 7}', 'application/json', 400],
      ['grant_type=password', 'text/plain', 415],
    ] as const) {
      const answer = await post(body, type);
      assert.is(answer.status, status, body);
      const json = (await answer.json()) as Json;
      assert.is(json.error, 'invalid_request', body);
      assert.type(json.error_description, 'string');
      assert.is(answer.headers.get('pragma'), 'no-cache');
    }
    const ok = await post(
      new URLSearchParams({
        grant_type: 'password',
        username: TEST_ADMIN.username,
        password: TEST_ADMIN.password,
      }).toString(),
      'application/x-www-form-urlencoded',
    );
    assert.is(ok.status, 200);
    assert.is(ok.headers.get('pragma'), 'no-cache');
    assert.is(ok.headers.get('cache-control'), 'no-store');
  });

  test('client mistakes at the edges are 400s: no token to revoke, an absurd key lifetime', async () => {
    const noToken = await rest('POST', '/api/v1/auth/revoke', { form: { token_type_hint: 'access_token' } });
    assert.is(noToken.status, 400);
    assert.is(noToken.json.error, 'invalid_request');
    const forever = await rest('POST', '/api/v1/apiKeys', {
      token: await app.adminToken(),
      json: { apiKeyId: 'eons', apiKey: { roles: ['service'], ttl: '315576000000s' } },
    });
    assert.is(forever.status, 400, forever.text);
    assert.match(forever.text, 'INVALID_EXPIRY');
  });

  test.run();
}
