import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import ormConfig from '../../../../mikro-orm.config.ts';
import {
  createOrmOptions,
  dialectOf,
  loadBoundDriver,
  MIGRATIONS_DIR,
  POSTGRES_POOL_MAX,
  sqlitePathOf,
} from '../../../../src/platform/db/index.ts';

const test = suite('orm options');
const BoundSqliteDriver = await loadBoundDriver('sqlite');
const BoundPostgreSqlDriver = await loadBoundDriver('postgresql');

const cases = [
  { url: undefined, dialect: 'sqlite', sqlitePath: '/data/hcs.sqlite' },
  { url: 'postgres://u@db:5432/hcs', dialect: 'postgresql', sqlitePath: undefined },
  { url: 'postgresql://u@db/hcs', dialect: 'postgresql', sqlitePath: undefined },
  { url: 'sqlite:///var/lib/hcs/x.sqlite', dialect: 'sqlite', sqlitePath: '/var/lib/hcs/x.sqlite' },
  { url: 'file:///var/lib/hcs/y.sqlite', dialect: 'sqlite', sqlitePath: '/var/lib/hcs/y.sqlite' },
] as const;

for (const { url, dialect, sqlitePath } of cases) {
  test(`HCS_DATABASE_URL=${url ?? '(unset)'} selects ${dialect}`, async () => {
    const config = { databaseUrl: url, dataDir: '/data' };
    assert.is(dialectOf(config), dialect);
    const options = await createOrmOptions({ config });
    assert.is(options.migrations?.path, join(MIGRATIONS_DIR, dialect));
    assert.is(options.ensureDatabase, false);
    if (sqlitePath !== undefined) {
      assert.is(sqlitePathOf(config), sqlitePath);
      assert.is(options.driver, BoundSqliteDriver);
      assert.is(options.dbName, sqlitePath);
      assert.type(options.onCreateConnection, 'function');
    } else {
      assert.is(options.driver, BoundPostgreSqlDriver);
      assert.is(options.clientUrl, url);
      assert.is(options.pool?.max, POSTGRES_POOL_MAX);
    }
  });
}

test('the SQLite pragmas run on every new connection', async () => {
  const options = await createOrmOptions({ config: { databaseUrl: undefined, dataDir: '/data' } });
  const sent: string[] = [];
  await options.onCreateConnection?.({
    executeQuery: async (query: { sql: string }) => {
      sent.push(query.sql);
      return { rows: [] };
    },
  });
  assert.equal(sent, ['pragma journal_mode = wal', 'pragma foreign_keys = on', 'pragma busy_timeout = 5000']);
});

test('mikro-orm.config.ts is built from the HCS_* environment', () => {
  if (process.env.HCS_DATABASE_URL === undefined || process.env.HCS_DATABASE_URL === '') {
    assert.is(ormConfig.driver, BoundSqliteDriver);
    assert.match(String(ormConfig.dbName), /[/\\]hcs\.sqlite$/);
  } else {
    assert.is(ormConfig.driver, BoundPostgreSqlDriver);
  }
  assert.ok((ormConfig.migrations?.migrationsList?.length ?? 0) > 0, 'ships its migrations');
});

test.run();
