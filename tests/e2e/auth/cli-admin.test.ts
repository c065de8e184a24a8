import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { passwordGrant } from '../../helpers/app.ts';
import {
  createTestPostgresDatabase,
  postgresSuitesEnabled,
  type TestPostgresDatabase,
} from '../../helpers/postgres.ts';
import { ROOT, type RunningProcess, tempDir, watch } from '../../helpers/process.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

/**
 * `hcs user` and `hcs apikey` as an operator uses them: the real CLI on a database, then a real
 * `hcs serve` on the same database, checked over REST.
 */

const TSX = import.meta.resolve('tsx');

/** Runs `hcs <args>` like runTs does, but with `stdin` written to the child's standard input. */
function hcs(args: string[], env: Record<string, string>, stdin = ''): RunningProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('HCS_')),
  );
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/main.ts'), ...args], {
    cwd: tempDir(),
    env: { ...inherited, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A child that exits before reading its input must not turn into an EPIPE crash here.
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(stdin);
  return watch(child);
}

/** Runs `hcs <args>` to completion; fails the test with its output unless it exits `expected`. */
async function hcsExpect(
  expected: number,
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<{ stdout: string; stderr: string }> {
  const run = hcs(args, env, stdin);
  const code = await run.exited;
  const stdout = run.stdout.join('\n');
  const stderr = run.stderr.join('\n');
  assert.is(code, expected, `hcs ${args.join(' ')} exited ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  return { stdout, stderr };
}

/** A password grant's status and OAuth error code, without throwing. */
async function tryPasswordGrant(httpBase: string, username: string, password: string) {
  const response = await fetch(`${httpBase}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password }),
  });
  const body = (await response.json()) as { error?: string; access_token?: string };
  return { status: response.status, error: body.error, accessToken: body.access_token };
}

async function whoAmI(httpBase: string, headers: Record<string, string>) {
  const response = await fetch(`${httpBase}/api/v1/auth/whoami`, { headers });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

interface CliTarget {
  label: string;
  /** Environment naming the database (the data dir is added by the suite); cleanup afterwards. */
  open(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
  /** Runs before the first user command: PostgreSQL needs its migrations applied. */
  prepare?(env: Record<string, string>): Promise<void>;
  /** Also the cases that do not depend on the database (disable, passwd, usage errors). */
  everything: boolean;
}

function runCliAdminCases(target: CliTarget): void {
  const test = suite(`hcs user and hcs apikey on ${target.label}`);
  let env: Record<string, string> = {};
  let cleanup: () => Promise<void> = async () => undefined;
  const servers: ServerProcess[] = [];
  const serve = async () => {
    const server = await startServer({ env });
    servers.push(server);
    return server;
  };
  let bobPassword = '';
  let apiKeySecret = '';

  test.before(async () => {
    const opened = await target.open();
    cleanup = opened.cleanup;
    env = { ...opened.env, HCS_DATA_DIR: tempDir('hcs-cli-data-') };
  });

  test.after(async () => {
    for (const server of servers) await server.stop();
    await cleanup();
  });

  if (target.prepare !== undefined) {
    const prepare = target.prepare;
    test('on a database with pending migrations, user commands refuse and name "hcs migrate up"', async () => {
      const refused = await hcsExpect(1, ['user', 'list'], env);
      assert.match(refused.stderr, /pending migration/);
      assert.match(refused.stderr, 'hcs migrate up');
      assert.is(refused.stdout, '', 'nothing is printed as an answer');
      await prepare(env);
    });
  }

  test('user add takes the password from stdin or prints a generated one; both can sign in', async () => {
    const alice = await hcsExpect(
      0,
      ['user', 'add', 'alice', '--role', 'operator', '--password-stdin'],
      env,
      'alice-password-123\n',
    );
    assert.is(alice.stdout, '', 'a password given on stdin is not printed');
    assert.match(alice.stderr, 'created users/alice with roles operator');
    const bob = await hcsExpect(0, ['user', 'add', 'bob'], env);
    bobPassword = bob.stdout.trim();
    assert.match(bobPassword, /^[\w-]{20,}$/, 'one generated password on stdout');

    const list = await hcsExpect(0, ['user', 'list'], env);
    const rows = list.stdout.split('\n').map((line) => line.split(/\s+/));
    assert.equal(rows[0]?.slice(0, 3), ['USERNAME', 'ROLES', 'DISABLED']);
    assert.equal(rows[1]?.slice(0, 3), ['alice', 'operator', 'false']);
    assert.equal(rows[2]?.slice(0, 3), ['bob', 'viewer', 'false']);

    const server = await serve();
    const aliceSession = await passwordGrant(server.httpBase, 'alice', 'alice-password-123');
    const me = await whoAmI(server.httpBase, { authorization: `Bearer ${aliceSession.access_token}` });
    assert.is(me.status, 200, me.text);
    assert.is(me.json.subject, 'users/alice');
    assert.equal(me.json.roles, ['operator']);
    await passwordGrant(server.httpBase, 'bob', bobPassword);
    // The first start found users already there: no administrator was invented beside them.
    assert.not.ok(server.stdout.some((line) => line.includes('generated password')));
    assert.is(
      (await tryPasswordGrant(server.httpBase, 'admin', 'test-admin-password')).error,
      'invalid_grant',
    );
  });

  if (target.everything) {
    test('user disable, run beside a serving hcs, makes the password grant answer invalid_grant', async () => {
      const server = servers.at(-1) as ServerProcess;
      const disabled = await hcsExpect(0, ['user', 'disable', 'alice'], env);
      assert.match(disabled.stderr, 'users/alice disabled');
      const refused = await tryPasswordGrant(server.httpBase, 'alice', 'alice-password-123');
      assert.is(refused.status, 400);
      assert.is(refused.error, 'invalid_grant');
      const list = await hcsExpect(0, ['user', 'list'], env);
      assert.match(list.stdout, /^alice\s+operator\s+true\b/m);
      await hcsExpect(0, ['user', 'enable', 'alice'], env);
      assert.is((await tryPasswordGrant(server.httpBase, 'alice', 'alice-password-123')).status, 200);
    });

    test('user passwd --password-stdin replaces the password: the old one fails, the new one works', async () => {
      const server = servers.at(-1) as ServerProcess;
      const changed = await hcsExpect(
        0,
        ['user', 'passwd', 'bob', '--password-stdin'],
        env,
        'bob-new-password-456\n',
      );
      assert.is(changed.stdout, '', 'a password given on stdin is not printed');
      const old = await tryPasswordGrant(server.httpBase, 'bob', bobPassword);
      assert.is(old.error, 'invalid_grant');
      assert.is((await tryPasswordGrant(server.httpBase, 'bob', 'bob-new-password-456')).status, 200);

      const generated = await hcsExpect(0, ['user', 'passwd', 'bob'], env);
      const fresh = generated.stdout.trim();
      assert.match(fresh, /^[\w-]{20,}$/, 'without --password-stdin a new password is printed');
      assert.is(
        (await tryPasswordGrant(server.httpBase, 'bob', 'bob-new-password-456')).error,
        'invalid_grant',
      );
      assert.is((await tryPasswordGrant(server.httpBase, 'bob', fresh)).status, 200);
    });
  }

  test('apikey create prints an hcs_ak_ secret once that authenticates whoami as x-api-key', async () => {
    const created = await hcsExpect(
      0,
      ['apikey', 'create', 'ci-runner', '--role', 'service', '--scope', 'registry:read', '--ttl', '30d'],
      env,
    );
    apiKeySecret = created.stdout.trim();
    assert.match(apiKeySecret, /^hcs_ak_[0-9a-f]{16}_[\w-]{43}$/);
    assert.match(created.stderr, 'created apiKeys/ci-runner');

    const list = await hcsExpect(0, ['apikey', 'list'], env);
    const row = list.stdout.split('\n').find((line) => line.startsWith('ci-runner'));
    assert.ok(row, list.stdout);
    const [id, prefix, state, roles, scopes, expires] = row.split(/\s+/);
    assert.equal([id, state, roles, scopes], ['ci-runner', 'active', 'service', 'registry:read']);
    assert.ok(apiKeySecret.startsWith(String(prefix)));
    assert.not.match(list.stdout, apiKeySecret.slice(24), 'the secret is never listed');
    const days = (Date.parse(String(expires)) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `--ttl 30d expires in 30 days, got ${expires}`);

    const server = servers.at(-1) as ServerProcess;
    const me = await whoAmI(server.httpBase, { 'x-api-key': apiKeySecret });
    assert.is(me.status, 200, me.text);
    assert.is(me.json.subject, 'apiKeys/ci-runner');
    assert.equal(me.json.roles, ['service']);
    assert.equal(me.json.scopes, ['registry:read']);
  });

  test('apikey revoke ends the key: a server started afterwards answers 401', async () => {
    for (const server of servers.splice(0)) assert.is(await server.stop(), 0);
    const revoked = await hcsExpect(0, ['apikey', 'revoke', 'ci-runner'], env);
    assert.match(revoked.stderr, 'apiKeys/ci-runner revoked');
    const list = await hcsExpect(0, ['apikey', 'list'], env);
    assert.match(list.stdout, /^ci-runner\s+\S+\s+revoked\b/m);
    const server = await serve();
    const me = await whoAmI(server.httpBase, { 'x-api-key': apiKeySecret });
    assert.is(me.status, 401, me.text);
  });

  test('an operation the service refuses exits 1 with the reason on stderr and no answer', async () => {
    const cases: [string[], RegExp][] = [
      [['user', 'add', 'bob'], /^hcs user: user "bob" already exists$/m],
      [['user', 'add', 'carol', '--role', 'wizard'], /^hcs user: unknown role\(s\) "wizard"/m],
      [['user', 'disable', 'nobody'], /^hcs user: user "nobody" does not exist$/m],
      [['apikey', 'create', 'ci-runner'], /^hcs apikey: .*ci-runner.*already exists/m],
    ];
    await Promise.all(
      cases.map(async ([args, message]) => {
        const refused = await hcsExpect(1, args, env);
        assert.match(refused.stderr, message, `hcs ${args.join(' ')}`);
        assert.is(refused.stdout, '', `hcs ${args.join(' ')} prints no answer`);
      }),
    );
  });

  if (target.everything) {
    test('a command line that does not parse exits 2 with the usage hint', async () => {
      const cases: [string[], string][] = [
        [['user', 'frobnicate'], 'usage: hcs user add|passwd|list|disable|enable'],
        [['user', 'add'], 'usage: hcs user add <username>'],
        [['user', 'add', 'dave', '--bogus'], "Unknown option '--bogus'"],
        [['apikey', 'create'], 'usage: hcs apikey create <id>'],
        [['apikey', 'create', 'x', '--ttl', '3', 'weeks'], 'usage: hcs apikey create <id>'],
        [['apikey', 'create', 'x', '--ttl', '3w'], '--ttl must look like 3600s, 90m, 12h or 30d, got "3w"'],
      ];
      await Promise.all(
        cases.map(async ([args, message]) => {
          const run = await hcsExpect(2, args, env);
          assert.match(run.stderr, message, `hcs ${args.join(' ')}`);
          assert.match(run.stderr, 'Run "hcs --help" for usage.');
        }),
      );
    });
  }

  test.run();
}

runCliAdminCases({
  label: 'SQLite',
  everything: true,
  async open() {
    return { env: {}, cleanup: async () => undefined };
  },
});

if (await postgresSuitesEnabled('hcs user and hcs apikey on PostgreSQL')) {
  let database: TestPostgresDatabase | undefined;
  runCliAdminCases({
    label: 'PostgreSQL',
    everything: false,
    async open() {
      database = await createTestPostgresDatabase();
      return {
        env: { HCS_DATABASE_URL: database.url },
        cleanup: () => database?.drop() ?? Promise.resolve(),
      };
    },
    async prepare(env) {
      await hcsExpect(0, ['migrate', 'up'], env);
    },
  });
}
