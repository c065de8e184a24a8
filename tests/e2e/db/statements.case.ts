import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { entities } from '../../../mikro-orm.config.ts';
import type { Config } from '../../../src/platform/config/index.ts';
import {
  AuditEntrySchema,
  createDatabase,
  type Database,
  fromOrmError,
} from '../../../src/platform/db/index.ts';
import { Code } from '../../../src/platform/errors/index.ts';
import { createLogger } from '../../../src/platform/log/index.ts';

/** A statement as the database driver (better-sqlite3, pg) received it. */
export interface DriverStatement {
  sql: string;
  parameters: readonly unknown[];
}

/** What a dialect's test file provides to the shared statement cases. */
export interface StatementTarget {
  label: string;
  open(): Promise<{ config: Pick<Config, 'databaseUrl' | 'dataDir'>; cleanup(): Promise<void> }>;
  /** Records every statement the driver receives from now on, into `into`. */
  record(db: Database, into: DriverStatement[]): Promise<void>;
  /** Whether the dialect stores a NUL character in text (SQLite does; PostgreSQL refuses it). */
  storesNul: boolean;
}

const logger = createLogger({ level: 'silent' });

// Quotes of both kinds, a backslash (PostgreSQL's E'' strings), a statement terminator and a
// comment: the pieces an escaping bug is made of.
const HOSTILE = `it's "quoted" \\ ; drop table audit_entry; --`;

/**
 * Every value reaches the driver as a bound parameter, never as a literal in the SQL text: a
 * value with quotes, a backslash and (where storable) a NUL is written, found by equality, by
 * `$in` and by a date comparison, and read back intact; no statement's SQL contains it.
 */
export function runStatementCases(target: StatementTarget): void {
  const test = suite(`statements on ${target.label}`);
  let db: Database | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  const statements: DriverStatement[] = [];
  const open = () => {
    if (db === undefined) throw new Error('database not opened');
    return db;
  };
  test.before(async () => {
    const opened = await target.open();
    cleanup = opened.cleanup;
    db = await createDatabase({ config: opened.config, logger, entities });
    await db.migrate.up();
    await target.record(db, statements);
  });
  test.after(async () => {
    await db?.close();
    await cleanup?.();
  });
  test.before.each(() => {
    statements.length = 0;
  });

  const assertBound = (value: string) => {
    assert.ok(statements.length > 0, 'the driver saw statements');
    for (const { sql } of statements) {
      assert.not.ok(sql.includes(value), `a value is inlined in: ${sql}`);
      assert.not.ok(sql.includes("'it"), `a quoted value is inlined in: ${sql}`);
    }
    assert.ok(
      statements.some(({ parameters }) => parameters.includes(value)),
      'the value travels as a parameter',
    );
  };

  const value = target.storesNul ? `${HOSTILE}\u0000 after a NUL` : HOSTILE;

  test('a hostile value is written, found and read back through parameters only', async () => {
    const db = open();
    const em = db.em();
    const entry = em.create(AuditEntrySchema, {
      actor: value,
      action: 'hcs.v1.AuthService.UpdateUser',
      category: 'security',
      outcome: 'failure',
      target: value,
      details: { note: value },
    });
    await em.persist(entry).flush();
    const found = await db.em().find(AuditEntrySchema, {
      actor: value,
      target: { $in: [value, 'other'] },
      time: { $gt: new Date(0) },
    });
    assert.is(found.length, 1);
    assert.is(found[0]?.actor, value);
    assert.is(found[0]?.target, value);
    assert.equal(found[0]?.details, { note: value });
    assertBound(value);
  });

  test('a raw statement and a streamed query bind their values too', async () => {
    const db = open();
    const connection = db.em().getConnection();
    const [row] = await connection.execute<{ v: string }[]>('select ? as v', [value]);
    assert.is(row?.v, value);
    const streamed: string[] = [];
    for await (const entry of db.em().stream(AuditEntrySchema, { where: { actor: value } })) {
      streamed.push(entry.actor);
    }
    assert.equal(streamed, [value]);
    assertBound(value);
  });

  if (!target.storesNul) {
    test('text the database cannot store is INVALID_ARGUMENT, not a database error', async () => {
      const em = open().em();
      em.create(AuditEntrySchema, {
        actor: 'a\u0000b',
        action: 'hcs.v1.AuthService.UpdateUser',
        category: 'security',
        outcome: 'failure',
      });
      let caught: unknown;
      try {
        await em.flush();
      } catch (error) {
        caught = error;
      }
      assert.is(fromOrmError(caught).code, Code.INVALID_ARGUMENT);
      assert.not.ok(statements.some(({ sql }) => sql.includes('a\u0000b')));
    });
  }

  test.run();
}
