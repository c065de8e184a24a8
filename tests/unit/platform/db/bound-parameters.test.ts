import { raw } from '@mikro-orm/core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bindParameters, type ParameterDialect } from '../../../../src/platform/db/bound-parameters.ts';

const test = suite('bindParameters');

const postgres: ParameterDialect = {
  placeholder: (index) => `$${index + 1}`,
  quoteIdentifier: (id) => `"${id}"`,
  toDriverValue: (value) => (value instanceof Date ? value.toISOString() : value),
};
const sqlite: ParameterDialect = {
  placeholder: () => '?',
  quoteIdentifier: (id) => `\`${id}\``,
  toDriverValue: (value) => (value instanceof Date ? value.getTime() : value ? 1 : 0),
};

const cases: {
  name: string;
  dialect: ParameterDialect;
  sql: string;
  params: unknown[];
  expected: { sql: string; parameters: unknown[] };
}[] = [
  {
    name: 'each value becomes a numbered placeholder',
    dialect: postgres,
    sql: 'select * from t where a = ? and b = ?',
    params: ["it's", 'x\u0000y'],
    expected: { sql: 'select * from t where a = $1 and b = $2', parameters: ["it's", 'x\u0000y'] },
  },
  {
    name: 'a statement starting with a value or an identifier',
    dialect: sqlite,
    sql: '?? = ?',
    params: ['col', 5],
    expected: { sql: '`col` = ?', parameters: [5] },
  },
  {
    name: '?? is an identifier, quoted, and \\? a literal question mark',
    dialect: postgres,
    sql: 'select ?? from t where data \\? ? and x = ?',
    params: ['name', 'key', 1],
    expected: { sql: 'select "name" from t where data ? $1 and x = $2', parameters: ['key', 1] },
  },
  {
    name: 'an array is a list of values (in)',
    dialect: postgres,
    sql: 'where id in (?)',
    params: [['a', 'b', 'c']],
    expected: { sql: 'where id in ($1, $2, $3)', parameters: ['a', 'b', 'c'] },
  },
  {
    name: 'a plain object is JSON text',
    dialect: sqlite,
    sql: 'insert into t (details) values (?)',
    params: [{ note: "it's" }],
    expected: { sql: 'insert into t (details) values (?)', parameters: ['{"note":"it\'s"}'] },
  },
  {
    name: 'a raw fragment is spliced in with its own values bound',
    dialect: postgres,
    sql: 'select ? where b = ?',
    params: [raw('lower(?)', ["O'Brien"]), 2],
    expected: { sql: 'select lower($1) where b = $2', parameters: ["O'Brien", 2] },
  },
  {
    name: 'dates and booleans as the dialect stores them; undefined is null',
    dialect: sqlite,
    sql: 'values (?, ?, ?, ?)',
    params: [new Date(1000), true, false, undefined],
    expected: { sql: 'values (?, ?, ?, ?)', parameters: [1000, 1, 0, null] },
  },
  {
    name: 'no values: the SQL as it is',
    dialect: postgres,
    sql: "select 'a?' as q",
    params: [],
    expected: { sql: "select 'a?' as q", parameters: [] },
  },
];

for (const { name, dialect, sql, params, expected } of cases) {
  test(name, () => {
    assert.equal(bindParameters(sql, params, dialect), expected);
  });
}

test.run();
