import type { EntityManager, Transaction } from '@mikro-orm/core';
import { decodeTimes, decodeValues, encodeTimes, encodeValues } from './chunk-codec.ts';
import type { Columns } from './sample-columns.ts';

/** Most samples one chunk holds: 8 KiB of values, a few hundred bytes of instants. */
export const CHUNK_MAX_SAMPLES = 1024;

/** What a chunk row says about its samples without decoding them. */
export interface ChunkRollup {
  startTime: number;
  endTime: number;
  count: number;
  sum: number;
  sumSquares: number;
  min: number;
  max: number;
  firstValue: number;
  lastValue: number;
}

/** A chunk row's id and time span. */
export interface ChunkSpan {
  id: number;
  startTime: number;
  endTime: number;
  count: number;
}

const ROLLUP_COLUMNS =
  'start_time, end_time, "count", "sum", sum_squares, "min", "max", first_value, last_value';
const INSERT_PREFIX = `insert into analytics_chunks (series_id, ${ROLLUP_COLUMNS}, times, "values") values `;
const INSERT_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
// Rows per insert statement: 12 parameters each, far below either dialect's limit.
const ROWS_PER_INSERT = 64;

/** Raw SQL on one connection or transaction; values are always bound, never spliced. */
export interface Sql {
  all(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  run(sql: string, params: readonly unknown[]): Promise<void>;
}

/** {@link Sql} over `em`'s connection, inside `trx` when given. */
export function sqlOf(em: EntityManager, trx?: Transaction): Sql {
  const connection = em.getConnection();
  return {
    all: (sql, params) => connection.execute<Record<string, unknown>[]>(sql, [...params], 'all', trx),
    run: async (sql, params) => {
      await connection.execute(sql, [...params], 'run', trx);
    },
  };
}

/** Inserts `columns` (sorted, unique) as chunks of at most {@link CHUNK_MAX_SAMPLES}. */
export async function insertChunks(sql: Sql, seriesPk: string, columns: Columns): Promise<void> {
  const rows: unknown[][] = [];
  for (let from = 0; from < columns.times.length; from += CHUNK_MAX_SAMPLES) {
    const to = Math.min(from + CHUNK_MAX_SAMPLES, columns.times.length);
    const rollup = rollupOf(columns, from, to);
    rows.push([
      seriesPk,
      rollup.startTime,
      rollup.endTime,
      rollup.count,
      rollup.sum,
      rollup.sumSquares,
      rollup.min,
      rollup.max,
      rollup.firstValue,
      rollup.lastValue,
      encodeTimes(columns.times, from, to),
      encodeValues(columns.values, from, to),
    ]);
  }
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const group = rows.slice(i, i + ROWS_PER_INSERT);
    await sql.run(INSERT_PREFIX + group.map(() => INSERT_ROW).join(', '), group.flat());
  }
}

/** Deletes chunks by id. */
export async function deleteChunks(sql: Sql, ids: readonly number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const group = ids.slice(i, i + 500);
    await sql.run(`delete from analytics_chunks where id in (${group.map(() => '?').join(', ')})`, group);
  }
}

/** Spans of the chunks of a series that hold instants in [from, to], oldest first. */
export async function spansBetween(
  sql: Sql,
  seriesPk: string,
  from: number,
  to: number,
): Promise<ChunkSpan[]> {
  const rows = await sql.all(
    'select id, start_time, end_time, "count" from analytics_chunks ' +
      'where series_id = ? and start_time <= ? and end_time >= ? order by start_time',
    [seriesPk, to, from],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    startTime: Number(row.start_time),
    endTime: Number(row.end_time),
    count: Number(row.count),
  }));
}

/** Decodes chunks' samples by id, concatenated in the order of `ids`. */
export async function loadChunks(sql: Sql, ids: readonly number[]): Promise<Columns> {
  if (ids.length === 0) return { times: new Float64Array(0), values: new Float64Array(0) };
  const rows = await sql.all(
    `select id, "count", times, "values" from analytics_chunks where id in (${ids.map(() => '?').join(', ')})`,
    ids,
  );
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  return decodeRows(ids.map((id) => byId.get(id)).filter((row) => row !== undefined));
}

/** Decodes rows carrying `count`, `times` and `values` into one set of columns. */
export function decodeRows(rows: readonly Record<string, unknown>[]): Columns {
  let total = 0;
  for (const row of rows) total += Number(row.count);
  const times = new Float64Array(total);
  const values = new Float64Array(total);
  let offset = 0;
  for (const row of rows) {
    decodeTimes(row.times as Uint8Array, times, offset);
    offset += decodeValues(row.values as Uint8Array, values, offset);
  }
  return { times, values };
}

/** The rollup of `columns[from..to)` (sorted, at least one sample). */
export function rollupOf(columns: Columns, from = 0, to = columns.times.length): ChunkRollup {
  const { times, values } = columns;
  let sum = 0;
  let sumSquares = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const value = values[i] as number;
    sum += value;
    sumSquares += value * value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return {
    startTime: times[from] as number,
    endTime: times[to - 1] as number,
    count: to - from,
    sum,
    sumSquares,
    min,
    max,
    firstValue: values[from] as number,
    lastValue: values[to - 1] as number,
  };
}

/** A rollup from a row selected with the rollup columns. */
export function rollupFromRow(row: Record<string, unknown>): ChunkRollup {
  return {
    startTime: Number(row.start_time),
    endTime: Number(row.end_time),
    count: Number(row.count),
    sum: Number(row.sum),
    sumSquares: Number(row.sum_squares),
    min: Number(row.min),
    max: Number(row.max),
    firstValue: Number(row.first_value),
    lastValue: Number(row.last_value),
  };
}

/** The rollup columns, for a `select`. */
export const ROLLUP_SELECT = ROLLUP_COLUMNS;
