import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { entities } from '../../../mikro-orm.config.ts';
import type { Config } from '../../../src/platform/config/index.ts';
import {
  AUDIT_COLUMN_LENGTHS,
  type AuditEntry,
  AuditEntrySchema,
  createAuditLog,
  createDatabase,
  type Database,
  DbReason,
  fromOrmError,
} from '../../../src/platform/db/index.ts';
import { type Code, Code as Codes, isAppError } from '../../../src/platform/errors/index.ts';
import { createLogger } from '../../../src/platform/log/index.ts';
import { captureLogs } from '../../helpers/log.ts';

type DbConfig = Pick<Config, 'databaseUrl' | 'dataDir'>;

/** What a dialect's test file provides to the shared cases. */
export interface DatabaseTarget {
  /** `sqlite` or `postgresql`, used in test names. */
  label: string;
  /** Creates an empty database of its own; `cleanup` removes it. */
  open(): Promise<{ config: DbConfig; cleanup(): Promise<void> }>;
  /** A configuration whose database cannot be reached. */
  unreachable(): DbConfig;
  /**
   * Whether several hcs processes may share this database. Only PostgreSQL: a SQLite file serves
   * the one process of a single box (DESIGN.md), so concurrent migration is not tested on it.
   */
  sharedByReplicas: boolean;
}

const logger = createLogger({ level: 'silent' });
const FUTURE_MIGRATION = 'Migration20991231235959_from_a_newer_hcs';

/** Drift between the entities and the database: the SQL the schema generator would run. */
function schemaDiff(db: Database): Promise<string> {
  return db.orm.schema.getUpdateSchemaSQL({ wrap: false });
}

function newEntry(db: Database, data: Partial<AuditEntry> = {}): AuditEntry {
  const em = db.em();
  return em.create(AuditEntrySchema, {
    actor: 'users/alice',
    action: 'hcs.v1.AuthService.CreateToken',
    category: 'security',
    outcome: 'success',
    ...data,
  });
}

/**
 * The behaviour hcs relies on from its database, run against every dialect on a real database:
 * migrations match the entities, round-trip, refuse a newer database, and errors translate.
 * The cases run in order on one database per suite.
 */
export function runDatabaseCases(target: DatabaseTarget): void {
  const test = suite(`database on ${target.label}`);
  let db: Database | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  let config: DbConfig | undefined;
  const openedConfig = () => {
    if (config === undefined) throw new Error('database not opened');
    return config;
  };
  const open = () => {
    if (db === undefined) throw new Error('database not opened');
    return db;
  };
  test.before(async () => {
    const opened = await target.open();
    cleanup = opened.cleanup;
    config = opened.config;
    db = await createDatabase({ config: opened.config, logger, entities });
  });
  test.after(async () => {
    await db?.close();
    await cleanup?.();
  });

  test('a connected database reports itself ready, and not after close', async () => {
    assert.is(await open().isReady(), true);
    const other = await createDatabase({ config: openedConfig(), logger, migrations: [] });
    await other.close();
    assert.is(await other.isReady(), false);
    await other.close();
  });

  test('an empty database has every migration pending and none unknown', async () => {
    const status = await open().migrate.status();
    assert.equal(status.executed, []);
    assert.ok(status.pending.length > 0);
    assert.equal(status.unknown, []);
  });

  test('applying all migrations yields exactly the schema the entities describe', async () => {
    const db = open();
    const applied = await db.migrate.up();
    assert.equal(applied, (await db.migrate.status()).executed);
    assert.is(await schemaDiff(db), '');
    await db.checkSchemaNotNewer();
  });

  if (target.sharedByReplicas) {
    test('replicas starting together on an empty database apply each migration once', async () => {
      const fresh = await target.open();
      const replicas: Database[] = [];
      try {
        for (let i = 0; i < 3; i++)
          replicas.push(await createDatabase({ config: fresh.config, logger, entities }));
        const applied = await Promise.all(
          replicas.map(async (replica) => {
            await replica.checkSchemaNotNewer();
            return replica.migrate.up();
          }),
        );
        const all = (await open().migrate.status()).executed;
        assert.equal(applied.flat().sort(), [...all].sort());
        assert.equal((await replicas[0]?.migrate.status())?.executed, all);
      } finally {
        await Promise.all(replicas.map((replica) => replica.close()));
        await fresh.cleanup();
      }
    });
  }

  test('an audit entry is stored and read back with its id, time and details', async () => {
    const db = open();
    const entry = newEntry(db, { target: 'users/bob', details: { grant_type: 'password' } });
    await db.em().persist(entry).flush();
    assert.match(entry.id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    const loaded = await db.em().findOneOrFail(AuditEntrySchema, { id: entry.id });
    assert.equal(loaded.details, { grant_type: 'password' });
    assert.is(loaded.time.getTime(), entry.time.getTime());
    assert.is(loaded.target, 'users/bob');
    assert.is(loaded.userAgent, '');
  });

  test('an audit record of any client text is stored, fitted to what the columns hold', async () => {
    const db = open();
    const { logger: auditLogger, lines } = captureLogs();
    const audit = createAuditLog({ em: () => db.em(), logger: auditLogger });
    const requestId = `refused-${target.label}`;
    await audit.record({
      actor: 'users/admin',
      action: 'hcs.v1.AuthService.DeleteUser',
      category: 'security',
      outcome: 'failure',
      target: `users/a\u0000b${'x'.repeat(5000)}`,
      statusMessage: 'm'.repeat(100_000),
      requestId,
      details: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v\u0000'])),
    });
    assert.not.ok(
      lines.some((line) => line.msg === 'the audit entry could not be stored'),
      JSON.stringify(lines.find((line) => line.level === 'error')?.err),
    );
    const stored = await db.em().findOneOrFail(AuditEntrySchema, { requestId });
    assert.ok(stored.target.startsWith('users/a\uFFFDbxxx'));
    assert.ok(stored.target.length <= AUDIT_COLUMN_LENGTHS.target);
    assert.ok(stored.statusMessage.length <= 1024);
    assert.ok(Object.keys(stored.details).length <= 32);
    assert.is(stored.details.k0, 'v\uFFFD');
  });

  test('down to the start then up again round-trips to the same schema', async () => {
    const db = open();
    const all = (await db.migrate.status()).executed;
    const reverted = await db.migrate.down({ to: 0 });
    assert.equal(reverted, [...all].reverse());
    assert.equal((await db.migrate.status()).pending, all);
    assert.match(await schemaDiff(db), /create table/);
    assert.equal(await db.migrate.up(), all);
    assert.is(await schemaDiff(db), '');
  });

  const errorCases: { name: string; code: Code; reason: string; provoke(db: Database): Promise<unknown> }[] =
    [
      {
        name: 'findOneOrFail finding nothing',
        code: Codes.NOT_FOUND,
        reason: DbReason.NOT_FOUND,
        provoke: (db) => db.em().findOneOrFail(AuditEntrySchema, { id: 'missing' }),
      },
      {
        name: 'flushing a duplicate primary key',
        code: Codes.ALREADY_EXISTS,
        reason: DbReason.ALREADY_EXISTS,
        async provoke(db) {
          const first = newEntry(db);
          await db.em().persist(first).flush();
          await db
            .em()
            .persist(newEntry(db, { id: first.id }))
            .flush();
        },
      },
      {
        name: 'a raw insert breaking a unique constraint',
        code: Codes.ALREADY_EXISTS,
        reason: DbReason.ALREADY_EXISTS,
        async provoke(db) {
          const connection = db.em().getConnection();
          await connection.execute("insert into parent (id, name) values (2, 'a')");
          await connection.execute("insert into parent (id, name) values (3, 'a')");
        },
      },
      {
        name: 'a raw insert referring to a missing row',
        code: Codes.FAILED_PRECONDITION,
        reason: DbReason.REFERENCED_ROW_MISSING,
        provoke: (db) => db.em().getConnection().execute('insert into child (id, parent_id) values (1, 42)'),
      },
      {
        name: 'deleting a row that is still referred to',
        code: Codes.FAILED_PRECONDITION,
        reason: DbReason.REFERENCED_ROW_MISSING,
        async provoke(db) {
          const connection = db.em().getConnection();
          await connection.execute("insert into parent (id, name) values (1, 'p')");
          await connection.execute('insert into child (id, parent_id) values (2, 1)');
          await connection.execute('delete from parent where id = 1');
        },
      },
      {
        name: 'a statement the database rejects',
        code: Codes.INTERNAL,
        reason: DbReason.DATABASE_ERROR,
        provoke: (db) => db.em().getConnection().execute('selec 1'),
      },
      {
        name: 'a database that cannot be reached',
        code: Codes.UNAVAILABLE,
        reason: DbReason.DATABASE_UNAVAILABLE,
        provoke: () => createDatabase({ config: target.unreachable(), logger, migrations: [] }),
      },
    ];

  test('fromOrmError translates real database errors once', async () => {
    const db = open();
    const connection = db.em().getConnection();
    await connection.execute('create table parent (id int primary key, name varchar(20) not null unique)');
    await connection.execute(
      'create table child (id int primary key, parent_id int not null references parent (id))',
    );
    try {
      for (const { name, code, reason, provoke } of errorCases) {
        let caught: unknown;
        try {
          await provoke(db);
        } catch (error) {
          caught = error;
        }
        assert.ok(caught !== undefined, `${name}: expected an error`);
        const translated = fromOrmError(caught);
        assert.is(translated.reason, reason, `${name}: reason`);
        assert.is(translated.code, code, `${name}: code`);
        if (!isAppError(caught)) assert.is(translated.cause, caught, `${name}: keeps the cause`);
        assert.is(fromOrmError(translated), translated, `${name}: translating twice changes nothing`);
      }
    } finally {
      await connection.execute('drop table child');
      await connection.execute('drop table parent');
    }
    assert.is(await schemaDiff(db), '');
  });

  test('a database with a migration this build does not know is refused with a clear message', async () => {
    const db = open();
    await db.orm.migrator.logMigration(FUTURE_MIGRATION);
    try {
      assert.equal((await db.migrate.status()).unknown, [FUTURE_MIGRATION]);
      let refused: unknown;
      try {
        await db.checkSchemaNotNewer();
      } catch (error) {
        refused = error;
      }
      assert.ok(isAppError(refused), 'expected an AppError');
      assert.is(refused.code, Codes.FAILED_PRECONDITION);
      assert.is(refused.reason, DbReason.DATABASE_NEWER_THAN_CODE);
      assert.match(refused.message, 'the database is newer than this hcs build');
      assert.match(refused.message, FUTURE_MIGRATION);
    } finally {
      await db.orm.migrator.unlogMigration(FUTURE_MIGRATION);
    }
    await db.checkSchemaNotNewer();
  });

  test.run();
}
