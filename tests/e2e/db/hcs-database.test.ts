import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createTestPostgresDatabase,
  postgresSuitesEnabled,
  type TestPostgresDatabase,
} from '../../helpers/postgres.ts';
import { runTs, tempDir } from '../../helpers/process.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

const sqlite = suite('hcs serve and hcs migrate on SQLite');

sqlite('serve migrates a new SQLite database by itself and reports it ready', async () => {
  const server: ServerProcess = await startServer();
  try {
    const ready = await fetch(`http://127.0.0.1:${server.httpPort}/readyz`);
    const body = (await ready.json()) as { checks: { database: { ok: boolean; detail: string } } };
    assert.is(ready.status, 200);
    assert.equal(body.checks.database, { ok: true, detail: 'sqlite' });
    assert.ok(server.logLines().some((line) => line.msg === 'database migrated'));
    const status = runTs('src/main.ts', ['migrate', 'status'], { env: { HCS_DATA_DIR: server.dataDir } });
    assert.is(await status.exited, 0, status.stderr.join('\n'));
    assert.match(status.stdout.join('\n'), /^applied {3}Migration/);
  } finally {
    await server.stop();
  }
});

sqlite('migrate status, up, down on a fresh data directory', async () => {
  const env = { HCS_DATA_DIR: tempDir('hcs-data-') };
  const before = runTs('src/main.ts', ['migrate', 'status'], { env });
  assert.is(await before.exited, 1, 'pending migrations exit 1');
  assert.match(before.stdout.join('\n'), /^pending {3}Migration/);
  const up = runTs('src/main.ts', ['migrate', 'up'], { env });
  assert.is(await up.exited, 0);
  assert.match(up.stdout.join('\n'), /^applied: Migration/);
  const again = runTs('src/main.ts', ['migrate', 'up'], { env });
  assert.is(await again.exited, 0);
  assert.is(again.stdout[0], 'no pending migrations');
  const down = runTs('src/main.ts', ['migrate', 'down'], { env });
  assert.is(await down.exited, 0);
  assert.match(down.stdout.join('\n'), /^reverted: Migration/);
});

sqlite('a bad migrate action is a usage error', async () => {
  const run = runTs('src/main.ts', ['migrate', 'sideways']);
  assert.is(await run.exited, 2);
});

sqlite.run();

if (await postgresSuitesEnabled('hcs serve on PostgreSQL')) {
  const postgres = suite('hcs serve and hcs migrate on PostgreSQL');
  let database: TestPostgresDatabase;

  postgres.before(async () => {
    database = await createTestPostgresDatabase();
  });

  postgres.after(async () => {
    await database?.drop();
  });

  postgres('serve refuses a PostgreSQL database with pending migrations, naming the command', async () => {
    const run = runTs('src/main.ts', ['serve'], {
      env: { HCS_DATABASE_URL: database.url, HCS_HOST: '127.0.0.1', HCS_GRPC_PORT: '0', HCS_HTTP_PORT: '0' },
    });
    assert.is(await run.exited, 1);
    const fatal = run.logLines().find((line) => line.level === 'fatal');
    assert.match(JSON.stringify(fatal), 'hcs migrate up');
  });

  postgres('after hcs migrate up, serve starts and /readyz shows postgresql', async () => {
    const up = runTs('src/main.ts', ['migrate', 'up'], { env: { HCS_DATABASE_URL: database.url } });
    assert.is(await up.exited, 0, up.stderr.join('\n'));
    const server = await startServer({ env: { HCS_DATABASE_URL: database.url } });
    try {
      const body = (await (await fetch(`http://127.0.0.1:${server.httpPort}/readyz`)).json()) as {
        checks: { database: { ok: boolean; detail: string } };
      };
      assert.equal(body.checks.database, { ok: true, detail: 'postgresql' });
    } finally {
      await server.stop();
    }
  });

  postgres.run();
}
