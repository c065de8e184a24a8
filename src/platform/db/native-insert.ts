import { type EntityManager, type EntityName, JsonType } from '@mikro-orm/core';
import { SqlitePlatform } from '@mikro-orm/sql';

// The part of better-sqlite3 used here (the package ships no typings).
interface NativeStatement {
  run(...params: unknown[]): { changes: number };
}
interface NativeDatabase {
  prepare(sql: string): NativeStatement;
}

/** Inserts one complete row; returns the rows inserted (0 when a conflict was ignored). */
export type NativeInsert<T> = (row: T) => number;

/** What a native insert of an entity needs: its statement and how to read each column off a row. */
interface InsertPlan {
  statement: NativeStatement;
  columns: { property: string; json: boolean }[];
}

// Plans by database, then by entity and conflict clause; a handful per database.
const plans = new WeakMap<NativeDatabase, Map<string, InsertPlan>>();

/**
 * An insert of `entity`'s rows straight through better-sqlite3 on SQLite, for use inside a
 * transaction of `em` only; undefined on other dialects (use the ORM there). MikroORM's
 * `insertMany` spends several times SQLite's own cost per row on validating, mapping and
 * formatting it, which is most of a command's database time where a command's every row is
 * written in a group commit. The statement shares SQLite's one connection, so inside the
 * transaction it is part of it and rolls back with it. Columns and their conversions come from
 * the entity's metadata (a date as epoch milliseconds and JSON as text, as the ORM stores them),
 * so the statement follows the entity; every property of a row must be set (undefined is
 * NULL). `ignoreConflictOn` names the properties of a unique index whose clash inserts nothing.
 */
export async function nativeInsertOf<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  options: { ignoreConflictOn?: readonly (keyof T & string)[] } = {},
): Promise<NativeInsert<T> | undefined> {
  if (!(em.getPlatform() instanceof SqlitePlatform)) return undefined;
  const connection = em.getConnection() as unknown as { getNativeClient(): Promise<NativeDatabase> };
  const database = await connection.getNativeClient();
  const meta = em.getMetadata(entity);
  const conflict = options.ignoreConflictOn ?? [];
  const key = `${meta.className} ${conflict.join(',')}`;
  let byKey = plans.get(database);
  if (byKey === undefined) {
    byKey = new Map();
    plans.set(database, byKey);
  }
  let plan = byKey.get(key);
  if (plan === undefined) {
    const platform = em.getPlatform();
    const props = meta.props.filter((prop) => prop.persist !== false && prop.fieldNames?.length === 1);
    const quote = (name: string) => platform.quoteIdentifier(name);
    const fieldOf = (name: string) =>
      meta.properties[name as keyof typeof meta.properties]?.fieldNames[0] ?? name;
    const sql =
      `insert into ${quote(meta.tableName)} (${props.map((prop) => quote(prop.fieldNames[0] as string)).join(', ')})` +
      ` values (${props.map(() => '?').join(', ')})` +
      (conflict.length === 0
        ? ''
        : ` on conflict (${conflict.map((name) => quote(fieldOf(name))).join(', ')}) do nothing`);
    plan = {
      statement: database.prepare(sql),
      columns: props.map((prop) => ({ property: prop.name, json: prop.customType instanceof JsonType })),
    };
    byKey.set(key, plan);
  }
  const { statement, columns } = plan;
  return (row) => {
    const values = new Array<unknown>(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as InsertPlan['columns'][number];
      const value = (row as Record<string, unknown>)[column.property];
      values[i] =
        value === undefined || value === null
          ? null
          : column.json
            ? JSON.stringify(value)
            : value instanceof Date
              ? value.getTime()
              : typeof value === 'boolean'
                ? Number(value)
                : value;
    }
    return statement.run(...values).changes;
  };
}
