import type { EntityManager, Transaction } from '@mikro-orm/core';
import type { Dialect } from '../../platform/db/index.ts';
import { type Sql, sqlOf } from './chunk-rows.ts';

// The part of better-sqlite3 used here.
interface NativeStatement {
  readonly reader: boolean;
  all(...params: unknown[]): Record<string, unknown>[];
  run(...params: unknown[]): unknown;
}
interface NativeDatabase {
  prepare(sql: string): NativeStatement;
}

// Statements by SQL text, per database; the texts are a few dozen (lists of `?` vary in length).
const statements = new WeakMap<NativeDatabase, Map<string, NativeStatement>>();
const MAX_STATEMENTS = 128;

/**
 * {@link Sql} for the statements of one transaction. On SQLite they run straight on
 * better-sqlite3 with prepared statements kept across transactions: a commit of a million
 * samples is about a thousand chunk rows, and through the ORM each statement was prepared again
 * and formatted for the query log, several times the cost of SQLite itself. That is safe only
 * inside `trx`: the transaction holds the one SQLite connection (the driver's mutex), so these
 * statements are part of it and roll back with it. Values are bound as they are (numbers,
 * strings, Buffers), which is all chunk rows hold. PostgreSQL goes through the ORM
 * (`sqlOf`) as everything else does.
 */
export async function transactionSqlOf(em: EntityManager, trx: Transaction, dialect: Dialect): Promise<Sql> {
  if (dialect !== 'sqlite') return sqlOf(em, trx);
  const connection = em.getConnection() as unknown as { getNativeClient(): Promise<NativeDatabase> };
  const database = await connection.getNativeClient();
  let cache = statements.get(database);
  if (cache === undefined) {
    cache = new Map();
    statements.set(database, cache);
  }
  const prepared = (sql: string): NativeStatement => {
    let statement = (cache as Map<string, NativeStatement>).get(sql);
    if (statement === undefined) {
      if ((cache as Map<string, NativeStatement>).size >= MAX_STATEMENTS) cache?.clear();
      statement = database.prepare(sql);
      cache?.set(sql, statement);
    }
    return statement;
  };
  return {
    all: async (sql, params) => {
      const statement = prepared(sql);
      if (statement.reader) return statement.all(...params);
      statement.run(...params);
      return [];
    },
    run: async (sql, params) => {
      prepared(sql).run(...params);
    },
  };
}
