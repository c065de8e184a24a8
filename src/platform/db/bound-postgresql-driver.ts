import type { Configuration } from '@mikro-orm/core';
import { PostgreSqlConnection, PostgreSqlDriver, type PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { executeBound, replaceConnections, streamBound } from './bound-connection.ts';
import type { ParameterDialect } from './bound-parameters.ts';

/** PostgreSQL binds `$n`; a date as the text MikroORM would have inlined (UTC with `forceUtcTimezone`). */
function postgresParameters(platform: PostgreSqlPlatform): ParameterDialect {
  return {
    placeholder: (index) => `$${index + 1}`,
    quoteIdentifier: (id) => platform.quoteIdentifier(id),
    toDriverValue: (value) => (value instanceof Date ? platform.formatDate(value) : value),
  };
}

class BoundPostgreSqlConnection extends PostgreSqlConnection {
  override execute(...args: Parameters<PostgreSqlConnection['execute']>): Promise<never> {
    return executeBound(
      this,
      postgresParameters(this.platform as PostgreSqlPlatform),
      args,
    ) as Promise<never>;
  }

  override stream(...args: Parameters<PostgreSqlConnection['stream']>): AsyncIterableIterator<never> {
    return streamBound(this, postgresParameters(this.platform as PostgreSqlPlatform), args);
  }
}

/**
 * MikroORM's PostgreSQL driver with every value of every statement bound as a parameter (`$1`,
 * sent apart from the SQL by the extended query protocol) instead of formatted into the SQL text.
 */
export class BoundPostgreSqlDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    replaceConnections(this, (options, type) => new BoundPostgreSqlConnection(this.config, options, type));
  }
}
