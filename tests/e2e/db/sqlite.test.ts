import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createDatabase } from '../../../src/platform/db/index.ts';
import { createLogger } from '../../../src/platform/log/index.ts';
import { tempDir } from '../../helpers/process.ts';
import { runDatabaseCases } from './database.case.ts';
import { type DriverStatement, runStatementCases } from './statements.case.ts';

const scratch = tempDir('hcs-db-test-');
let count = 0;
const newDataDir = () => join(scratch, `data-${++count}`);

runDatabaseCases({
  label: 'sqlite',
  sharedByReplicas: false,
  async open() {
    const dataDir = newDataDir();
    return { config: { databaseUrl: undefined, dataDir }, cleanup: async () => {} };
  },
  unreachable() {
    // The database file's path is taken by a directory: SQLite cannot open it.
    const dataDir = newDataDir();
    mkdirSync(join(dataDir, 'hcs.sqlite'), { recursive: true });
    return { databaseUrl: undefined, dataDir };
  },
});

/** The better-sqlite3 calls Kysely's SQLite driver makes: `prepare(sql)`, then run/all/get/iterate. */
interface NativeSqlite {
  prepare(sql: string): Record<string, (...parameters: unknown[]) => unknown>;
}

runStatementCases({
  label: 'sqlite',
  storesNul: true,
  async open() {
    return { config: { databaseUrl: undefined, dataDir: newDataDir() }, cleanup: async () => {} };
  },
  async record(db, into: DriverStatement[]) {
    const connection = db.em().getConnection() as unknown as { getNativeClient(): Promise<NativeSqlite> };
    const native = await connection.getNativeClient();
    const prepare = native.prepare.bind(native);
    native.prepare = (sql) => {
      const statement = prepare(sql);
      for (const method of ['run', 'all', 'get', 'iterate']) {
        const original = statement[method]?.bind(statement);
        if (original === undefined) continue;
        statement[method] = (...parameters: unknown[]) => {
          into.push({ sql, parameters: parameters.flat() });
          return original(...parameters);
        };
      }
      return statement;
    };
  },
});

const test = suite('sqlite file');
const logger = createLogger({ level: 'silent' });

test('lives at <dataDir>/hcs.sqlite, created with its directory, with WAL and foreign keys on', async () => {
  const dataDir = join(newDataDir(), 'nested');
  const db = await createDatabase({ config: { databaseUrl: undefined, dataDir }, logger });
  try {
    const connection = db.em().getConnection();
    assert.equal(await connection.execute('pragma journal_mode'), [{ journal_mode: 'wal' }]);
    assert.equal(await connection.execute('pragma foreign_keys'), [{ foreign_keys: 1 }]);
    assert.equal(await connection.execute('pragma busy_timeout'), [{ timeout: 5000 }]);
    assert.ok(existsSync(join(dataDir, 'hcs.sqlite')));
  } finally {
    await db.close();
  }
});

test('reopening a migrated file finds it up to date', async () => {
  const config = { databaseUrl: undefined, dataDir: newDataDir() };
  const first = await createDatabase({ config, logger });
  const applied = await first.migrate.up();
  await first.close();
  const second = await createDatabase({ config, logger });
  try {
    const status = await second.migrate.status();
    assert.equal(status.executed, applied);
    assert.equal(status.pending, []);
    await second.checkSchemaNotNewer();
  } finally {
    await second.close();
  }
});

test.run();
