import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { passwordGrant } from '../../helpers/app.ts';
import { runTs, tempDir } from '../../helpers/process.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

/** The first administrator `hcs serve` creates on a database without users. */

const servers: ServerProcess[] = [];

async function serve(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServer({ env });
  servers.push(server);
  return server;
}

test.after(async () => {
  for (const server of servers) await server.stop();
});

async function grantError(httpBase: string, username: string, password: string): Promise<string | undefined> {
  const response = await fetch(`${httpBase}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password }),
  });
  return ((await response.json()) as { error?: string }).error;
}

test('without HCS_ADMIN_PASSWORD the first start logs one warning with a generated admin password that signs in', async () => {
  const dataDir = tempDir('hcs-data-');
  // '' overrides the helper's default password: an empty variable counts as unset.
  const env = { HCS_DATA_DIR: dataDir, HCS_ADMIN_PASSWORD: '' };
  const first = await serve(env);
  const mentions = first.stdout.filter((line) => line.includes('generated password'));
  assert.is(mentions.length, 1, first.stdout.join('\n'));
  const warning = JSON.parse(String(mentions[0])) as Record<string, unknown>;
  assert.is(warning.level, 'warn');
  assert.is(warning.username, 'admin');
  const password = /generated password (\S+)/.exec(String(warning.msg))?.[1] ?? '';
  assert.ok(password.length >= 20, `a strong password is printed, got "${password}"`);
  const session = await passwordGrant(first.httpBase, 'admin', password);
  const me = await fetch(`${first.httpBase}/api/v1/auth/whoami`, {
    headers: { authorization: `Bearer ${session.access_token}` },
  });
  assert.equal(((await me.json()) as { roles: string[] }).roles, ['admin']);
  assert.is(await first.stop(), 0);

  const second = await serve(env);
  assert.not.ok(
    second.stdout.some((line) => line.includes(password) || line.includes('created the administrator')),
    'a later start neither prints the password nor creates anyone',
  );
  await passwordGrant(second.httpBase, 'admin', password);
  assert.is(await second.stop(), 0);
});

test('HCS_ADMIN_USERNAME and HCS_ADMIN_PASSWORD name the first administrator; the password is never logged', async () => {
  const server = await serve({ HCS_ADMIN_USERNAME: 'root', HCS_ADMIN_PASSWORD: 'root-password-from-env' });
  await passwordGrant(server.httpBase, 'root', 'root-password-from-env');
  assert.is(await grantError(server.httpBase, 'admin', 'root-password-from-env'), 'invalid_grant');
  const created = server.logLines().find((line) => String(line.msg).startsWith('created the administrator'));
  assert.is(created?.username, 'root');
  assert.match(String(created?.msg), 'HCS_ADMIN_PASSWORD');
  assert.not.ok(server.stdout.some((line) => line.includes('root-password-from-env')));
  assert.is(await server.stop(), 0);
});

test('an HCS_ADMIN_PASSWORD too short to be accepted stops hcs serve with exit 1 naming the variable', async () => {
  const run = runTs('src/main.ts', ['serve'], {
    env: {
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: tempDir('hcs-data-'),
      HCS_ADMIN_PASSWORD: 'short',
    },
  });
  assert.is(await run.exited, 1);
  const fatal = run.logLines().find((line) => line.level === 'fatal');
  assert.ok(fatal, run.stdout.join('\n'));
  assert.match(JSON.stringify(fatal), 'HCS_ADMIN_PASSWORD');
  assert.not.ok(
    run.stdout.some((line) => line.includes('hcs is serving')),
    'it never reports serving',
  );
  assert.not.ok(
    run.stdout.some((line) => line.includes('"short"')),
    'the password itself is not logged',
  );
});

test.run();
