import type { EntityManager } from '@mikro-orm/core';
import type { Dialect } from '../../platform/db/index.ts';
import {
  CHUNK_MAX_SAMPLES,
  type ChunkRollup,
  decodeRows,
  deleteChunks,
  insertChunks,
  loadChunks,
  ROLLUP_SELECT,
  rollupFromRow,
  type Sql,
  spansBetween,
  sqlOf,
} from './chunk-rows.ts';
import { type Columns, concatColumns, mergeColumns, sortedUnique } from './sample-columns.ts';
import { transactionSqlOf } from './transaction-sql.ts';

/** A time range [start, end) in epoch milliseconds. */
export interface TimeRange {
  start: number;
  end: number;
}

/** What {@link ChunkStore.write} did. */
export interface WriteOutcome {
  /** Series (primary keys) that no longer exist; when any, nothing at all was written. */
  missing: Set<string>;
}

/**
 * The columnar sample storage of every series: writes, reads and the rollups of chunks.
 * Maintenance (range deletion, retention, compaction) is in `chunk-maintenance.ts`.
 */
export interface ChunkStore {
  /**
   * Writes samples (any order, duplicates allowed: the last wins) of several series in one
   * transaction, replacing stored samples at the same instants, and keeps each series'
   * statistics. All or nothing: when a series no longer exists nothing is written and it is
   * reported in `missing`.
   */
  write(writes: ReadonlyMap<string, Columns>): Promise<WriteOutcome>;
  /** The samples of `range`, oldest first, as typed arrays concatenated from chunks. */
  read(seriesPk: string, range: TimeRange): Promise<Columns>;
  /**
   * The same samples a page of chunks at a time (at most `chunksPerPage`, default 64, read at
   * once), oldest first, or newest first with `descending` (each page then newest first too).
   */
  pages(
    seriesPk: string,
    range: TimeRange,
    chunksPerPage?: number,
    descending?: boolean,
  ): AsyncIterable<Columns>;
  /**
   * The rollups of the chunks holding samples of `range`, oldest first. A chunk at an edge
   * may hold samples outside the range (see `startTime`/`endTime`): a caller needing exact
   * edges reads those two chunks with {@link read}.
   */
  rollups(seriesPk: string, range: TimeRange): Promise<ChunkRollup[]>;
}

/** Builds the chunk store on `em()` connections; `dialect` picks row locking. */
export function createChunkStore(em: () => EntityManager, dialect: Dialect): ChunkStore {
  return {
    async write(writes) {
      const connection = em().getConnection();
      const pks = [...writes.keys()].sort();
      return connection.transactional(async (trx) => {
        const sql = await transactionSqlOf(em(), trx, dialect);
        const present = await lockSeries(sql, pks, dialect);
        const missing = new Set(pks.filter((pk) => !present.has(pk)));
        if (missing.size > 0) return { missing };
        for (const pk of pks) {
          const columns = writes.get(pk);
          if (columns === undefined || columns.times.length === 0) continue;
          await writeSeries(sql, pk, sortedUnique(columns));
        }
        return { missing };
      });
    },

    async read(seriesPk, range) {
      const parts: Columns[] = [];
      for await (const page of this.pages(seriesPk, range, 256)) parts.push(page);
      return parts.length === 1 ? (parts[0] as Columns) : concatColumns(parts);
    },

    async *pages(seriesPk, range, chunksPerPage = 64, descending = false) {
      // Keyset over start_time, which is unique per series as chunks never overlap.
      let cursor = descending ? Number.MAX_SAFE_INTEGER : -1;
      for (;;) {
        const rows = await sqlOf(em()).all(
          'select start_time, "count", times, "values" from analytics_chunks ' +
            'where series_id = ? and start_time < ? and end_time >= ? and ' +
            (descending ? 'start_time < ? order by start_time desc' : 'start_time > ? order by start_time') +
            ' limit ?',
          [seriesPk, range.end, range.start, cursor, chunksPerPage],
        );
        if (rows.length === 0) return;
        cursor = Number(rows.at(-1)?.start_time);
        const page = clip(decodeRows(descending ? rows.reverse() : rows), range);
        if (page.times.length > 0) yield descending ? reversed(page) : page;
        if (rows.length < chunksPerPage) return;
      }
    },

    async rollups(seriesPk, range) {
      const rows = await sqlOf(em()).all(
        `select ${ROLLUP_SELECT} from analytics_chunks ` +
          'where series_id = ? and start_time < ? and end_time >= ? order by start_time',
        [seriesPk, range.end, range.start],
      );
      return rows.map(rollupFromRow);
    },
  };
}

/**
 * Locks the series rows about to change (PostgreSQL: other replicas' writers wait; SQLite has
 * one writer) and returns those that exist.
 */
export async function lockSeries(sql: Sql, pks: readonly string[], dialect: Dialect): Promise<Set<string>> {
  const present = new Set<string>();
  for (let i = 0; i < pks.length; i += 500) {
    const group = pks.slice(i, i + 500);
    const rows = await sql.all(
      `select id from analytics_series where id in (${group.map(() => '?').join(', ')}) order by id` +
        (dialect === 'postgresql' ? ' for update' : ''),
      group,
    );
    for (const row of rows) present.add(String(row.id));
  }
  return present;
}

// Samples landing inside an existing chunk are merged into it (the chunk is rewritten, split if
// it grows past the maximum); samples in the gaps between chunks become new chunks. So chunks
// never overlap, and appending in order (the usual case) only inserts.
async function writeSeries(sql: Sql, seriesPk: string, columns: Columns): Promise<void> {
  const { times, values } = columns;
  const first = times[0] as number;
  const last = times[times.length - 1] as number;
  const spans = await spansBetween(sql, seriesPk, first, last);
  let replaced = 0;
  let gapStart = 0;
  let i = 0;
  const rewrite: number[] = [];
  for (const span of spans) {
    while (i < times.length && (times[i] as number) < span.startTime) i++;
    if (i > gapStart) await insertChunks(sql, seriesPk, slice(columns, gapStart, i));
    const inside = i;
    while (i < times.length && (times[i] as number) <= span.endTime) i++;
    gapStart = i;
    if (i === inside) continue;
    const stored = await loadChunks(sql, [span.id]);
    const { merged, replaced: count } = mergeColumns(stored, slice(columns, inside, i));
    replaced += count;
    rewrite.push(span.id);
    await insertChunks(sql, seriesPk, merged);
  }
  if (gapStart < times.length) await insertChunks(sql, seriesPk, slice(columns, gapStart, times.length));
  await deleteChunks(sql, rewrite);
  await sql.run(
    'update analytics_series set sample_count = sample_count + ?, ' +
      'first_time = case when first_time is null or first_time > ? then ? else first_time end, ' +
      'last_value = case when last_time is null or last_time <= ? then ? else last_value end, ' +
      'last_time = case when last_time is null or last_time < ? then ? else last_time end ' +
      'where id = ?',
    [times.length - replaced, first, first, last, values[values.length - 1], last, last, seriesPk],
  );
}

function reversed(columns: Columns): Columns {
  return { times: columns.times.slice().reverse(), values: columns.values.slice().reverse() };
}

function slice(columns: Columns, from: number, to: number): Columns {
  return { times: columns.times.subarray(from, to), values: columns.values.subarray(from, to) };
}

// The samples of `columns` (sorted) inside `range`.
function clip(columns: Columns, range: TimeRange): Columns {
  let from = 0;
  let to = columns.times.length;
  while (from < to && (columns.times[from] as number) < range.start) from++;
  while (to > from && (columns.times[to - 1] as number) >= range.end) to--;
  return from === 0 && to === columns.times.length ? columns : slice(columns, from, to);
}

export { CHUNK_MAX_SAMPLES };
