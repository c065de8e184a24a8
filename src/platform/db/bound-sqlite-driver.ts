import type { Configuration } from '@mikro-orm/core';
import type { AbstractSqlPlatform } from '@mikro-orm/sql';
import { SqliteConnection, SqliteDriver } from '@mikro-orm/sqlite';
import { executeBound, replaceConnections, streamBound } from './bound-connection.ts';
import type { ParameterDialect } from './bound-parameters.ts';
import { cacheStatements } from './statement-cache.ts';

/** SQLite binds what better-sqlite3 accepts: epoch milliseconds for a date, 1/0 for a boolean. */
function sqliteParameters(platform: AbstractSqlPlatform): ParameterDialect {
  return {
    placeholder: () => '?',
    quoteIdentifier: (id) => platform.quoteIdentifier(id),
    toDriverValue: (value) => (value instanceof Date ? value.getTime() : value ? 1 : 0),
  };
}

class BoundSqliteConnection extends SqliteConnection {
  override createKyselyDialect(...args: Parameters<SqliteConnection['createKyselyDialect']>) {
    const dialect = super.createKyselyDialect(...args);
    // `database` is private in the typings only; the dialect holds the same object.
    cacheStatements((this as unknown as { database: Parameters<typeof cacheStatements>[0] }).database);
    return dialect;
  }

  override execute(...args: Parameters<SqliteConnection['execute']>): Promise<never> {
    return executeBound(this, sqliteParameters(this.platform), args) as Promise<never>;
  }

  override stream(...args: Parameters<SqliteConnection['stream']>): AsyncIterableIterator<never> {
    return streamBound(this, sqliteParameters(this.platform), args);
  }
}

/**
 * MikroORM's SQLite driver with every value of every statement bound as a parameter instead of
 * formatted into the SQL text (see `bindParameters` for why), and its statements prepared once
 * per SQL text (see `cacheStatements`).
 */
export class BoundSqliteDriver extends SqliteDriver {
  constructor(config: Configuration) {
    super(config);
    replaceConnections(this, (options, type) => new BoundSqliteConnection(this.config, options, type));
  }
}
