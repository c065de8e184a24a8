import type { EntityManager } from '@mikro-orm/core';
import type { Dialect } from '../../platform/db/index.ts';
import {
  CHUNK_MAX_SAMPLES,
  deleteChunks,
  insertChunks,
  loadChunks,
  type Sql,
  spansBetween,
  sqlOf,
} from './chunk-rows.ts';
import { lockSeries, type TimeRange } from './chunk-store.ts';
import { transactionSqlOf } from './transaction-sql.ts';

/**
 * Work on stored chunks other than ingestion: deleting a time range, retention and
 * compaction. Each operation is one transaction per series, holding the series row lock, so
 * it never interleaves with a write to the same series.
 */
export interface ChunkMaintenance {
  /**
   * Deletes the samples of `range`: chunks wholly inside are dropped, chunks across an edge
   * rewritten without the deleted samples. Resolves the number of samples deleted.
   */
  deleteRange(seriesPk: string, range: TimeRange): Promise<number>;
  /**
   * Drops, for every series, the whole chunks whose newest sample is older than the series'
   * retention (`defaultRetentionMs` where it sets none) before `now`. Resolves the number of
   * samples dropped.
   */
  applyRetention(now: number, defaultRetentionMs: number): Promise<number>;
  /**
   * Merges runs of adjacent chunks of a series that together fit in one chunk (many small
   * chunks come from many small commits). Resolves the number of chunks removed.
   */
  compact(seriesPk: string): Promise<number>;
  /** Compacts every series with more chunks than its samples need; resolves chunks removed. */
  compactAll(): Promise<number>;
}

/** Builds the maintenance operations on `em()` connections. */
export function createChunkMaintenance(em: () => EntityManager, dialect: Dialect): ChunkMaintenance {
  function inSeriesTransaction<T>(seriesPk: string, work: (sql: Sql) => Promise<T>, none: T): Promise<T> {
    return em()
      .getConnection()
      .transactional(async (trx) => {
        const sql = await transactionSqlOf(em(), trx, dialect);
        const present = await lockSeries(sql, [seriesPk], dialect);
        if (!present.has(seriesPk)) return none;
        return work(sql);
      });
  }

  return {
    deleteRange(seriesPk, range) {
      return inSeriesTransaction(
        seriesPk,
        async (sql) => {
          const spans = await spansBetween(sql, seriesPk, range.start, range.end - 1);
          if (spans.length === 0) return 0;
          let deleted = 0;
          for (const span of spans) {
            if (span.startTime >= range.start && span.endTime < range.end) {
              deleted += span.count;
              continue;
            }
            const stored = await loadChunks(sql, [span.id]);
            const keep = stored.times.map((time) => (time < range.start || time >= range.end ? 1 : 0));
            const kept = keep.reduce((sum, flag) => sum + flag, 0);
            deleted += stored.times.length - kept;
            const times = stored.times.filter((_, i) => keep[i] === 1);
            const values = stored.values.filter((_, i) => keep[i] === 1);
            if (times.length > 0) await insertChunks(sql, seriesPk, { times, values });
          }
          await deleteChunks(
            sql,
            spans.map((span) => span.id),
          );
          await refreshSeriesStatistics(sql, seriesPk);
          return deleted;
        },
        0,
      );
    },

    async applyRetention(now, defaultRetentionMs) {
      const rows = await sqlOf(em()).all(
        'select id, retention_ms, first_time from analytics_series where first_time is not null',
        [],
      );
      let dropped = 0;
      for (const row of rows) {
        const retention = row.retention_ms === null ? defaultRetentionMs : Number(row.retention_ms);
        const cutoff = now - retention;
        if (Number(row.first_time) >= cutoff) continue;
        const seriesPk = String(row.id);
        dropped += await inSeriesTransaction(
          seriesPk,
          async (sql) => {
            const old = await sql.all(
              'select id, "count" from analytics_chunks where series_id = ? and end_time < ?',
              [seriesPk, cutoff],
            );
            if (old.length === 0) return 0;
            await deleteChunks(
              sql,
              old.map((chunk) => Number(chunk.id)),
            );
            await refreshSeriesStatistics(sql, seriesPk);
            return old.reduce((sum, chunk) => sum + Number(chunk.count), 0);
          },
          0,
        );
      }
      return dropped;
    },

    compact(seriesPk) {
      return inSeriesTransaction(
        seriesPk,
        async (sql) => {
          const spans = await spansBetween(sql, seriesPk, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
          let removed = 0;
          let group: typeof spans = [];
          let groupCount = 0;
          const flush = async () => {
            if (group.length > 1) {
              const ids = group.map((span) => span.id);
              await insertChunks(sql, seriesPk, await loadChunks(sql, ids));
              await deleteChunks(sql, ids);
              removed += group.length - 1;
            }
            group = [];
            groupCount = 0;
          };
          for (const span of spans) {
            if (groupCount + span.count > CHUNK_MAX_SAMPLES) await flush();
            group.push(span);
            groupCount += span.count;
          }
          await flush();
          return removed;
        },
        0,
      );
    },

    async compactAll() {
      // A series needs compacting when its chunks average under half full.
      const rows = await sqlOf(em()).all(
        'select series_id from analytics_chunks group by series_id having count(*) > 1 and count(*) * ? > sum("count") * 2',
        [CHUNK_MAX_SAMPLES],
      );
      let removed = 0;
      for (const row of rows) removed += await this.compact(String(row.series_id));
      return removed;
    },
  };
}

// The statistics of a series from its chunks' rollups, after chunks were removed.
async function refreshSeriesStatistics(sql: Sql, seriesPk: string): Promise<void> {
  await sql.run(
    'update analytics_series set ' +
      'sample_count = (select coalesce(sum("count"), 0) from analytics_chunks where series_id = ?), ' +
      'first_time = (select min(start_time) from analytics_chunks where series_id = ?), ' +
      'last_time = (select max(end_time) from analytics_chunks where series_id = ?), ' +
      'last_value = (select last_value from analytics_chunks where series_id = ? order by end_time desc limit 1) ' +
      'where id = ?',
    [seriesPk, seriesPk, seriesPk, seriesPk, seriesPk],
  );
}
