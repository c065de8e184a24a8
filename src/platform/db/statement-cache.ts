/** What is used here of a better-sqlite3 statement (the package ships no typings). */
interface Statement {
  /** True while an iteration over its rows is in progress. */
  readonly busy: boolean;
}

/** What is used here of a better-sqlite3 database. */
interface PreparingDatabase {
  prepare(sql: string): Statement;
}

/** Most statements kept per database; the least recently used one is finalized past it. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Makes `database.prepare` reuse statements by their SQL text. Kysely's SQLite driver prepares
 * every statement it runs, and with MikroORM's identical SQL for identical queries that
 * compilation was ~7 % of a command's CPU. A cached statement still busy (an iteration in
 * progress) is not shared: that call gets a fresh one of its own. Schema changes need no
 * eviction: SQLite recompiles a stale statement itself.
 */
export function cacheStatements(database: PreparingDatabase, size = STATEMENT_CACHE_SIZE): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, Statement>();
  database.prepare = function cachedPrepare(sql: string) {
    const cached = cache.get(sql);
    if (cached !== undefined && !cached.busy) {
      // Map order is insertion order: re-inserting keeps the most recent last.
      cache.delete(sql);
      cache.set(sql, cached);
      return cached;
    }
    const statement = prepare(sql);
    if (cached !== undefined) return statement;
    cache.set(sql, statement);
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return statement;
  };
}
