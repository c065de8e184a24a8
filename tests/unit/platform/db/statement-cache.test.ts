import { createRequire } from 'node:module';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cacheStatements } from '../../../../src/platform/db/statement-cache.ts';

// better-sqlite3 ships no typings: the little used here, typed.
interface Statement {
  readonly busy: boolean;
  all(...values: unknown[]): unknown[];
  get(...values: unknown[]): unknown;
  iterate(...values: unknown[]): IterableIterator<unknown>;
}
interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): Statement;
}
const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => SqliteDatabase;

const test = suite('cacheStatements');

function database(size?: number) {
  const db = new Database(':memory:');
  db.exec('create table t (n integer)');
  db.exec('insert into t values (1), (2), (3)');
  cacheStatements(db, size);
  return db;
}

test('the same SQL gets the same compiled statement, and it still runs with new values', () => {
  const db = database();
  const first = db.prepare('select n from t where n >= ?');
  const again = db.prepare('select n from t where n >= ?');
  assert.is(again, first);
  assert.equal(again.all(2), [{ n: 2 }, { n: 3 }]);
  assert.equal(first.all(3), [{ n: 3 }]);
});

test('a statement busy iterating is not handed out again: the second caller gets its own', () => {
  const db = database();
  const iterating = db.prepare('select n from t order by n');
  const rows = iterating.iterate();
  assert.equal(rows.next().value, { n: 1 });
  const other = db.prepare('select n from t order by n');
  assert.is.not(other, iterating);
  assert.equal(other.all(), [{ n: 1 }, { n: 2 }, { n: 3 }]);
  assert.equal(rows.next().value, { n: 2 });
  rows.return?.();
  assert.is(db.prepare('select n from t order by n'), iterating);
});

test('keeps at most `size` statements, dropping the least recently used', () => {
  const db = database(2);
  const a = db.prepare('select 1');
  const b = db.prepare('select 2');
  assert.is(db.prepare('select 1'), a);
  db.prepare('select 3');
  assert.is(db.prepare('select 1'), a);
  assert.is.not(db.prepare('select 2'), b);
});

test('a statement compiled before a schema change runs against the new schema', () => {
  const db = database();
  const count = db.prepare('select count(*) as c from t');
  db.exec('drop table t; create table t (n integer, m integer)');
  assert.equal(db.prepare('select count(*) as c from t').get(), { c: 0 });
  assert.is(db.prepare('select count(*) as c from t'), count);
});

test.run();
