/**
 * What the SQLite and PostgreSQL drivers of hcs share: MikroORM 7.2.1's `execute` and `stream`
 * with every value bound as a parameter, and the swap of a driver's connections for those.
 * Each driver lives in its own file so that a process loads only the one it uses.
 */
import type { ConnectionOptions, LoggingOptions } from '@mikro-orm/core';
import type { AbstractSqlConnection, AbstractSqlDriver } from '@mikro-orm/sql';
import { type AbortableQueryOptions, CompiledQuery, type Kysely } from 'kysely';
import { type BoundQuery, bindParameters, type ParameterDialect } from './bound-parameters.ts';

type Method = 'all' | 'get' | 'run';

// What `AbstractSqlConnection` keeps private or protected and the overrides below need.
interface ConnectionInternals {
  prepareQuery(query: unknown, params: unknown): { query: string; params: unknown[]; formatted: string };
  getSql(query: string, formatted: string, context?: LoggingOptions): string;
  executeQuery<T>(query: string, cb: () => Promise<T>, context?: object): Promise<T>;
  logQuery(query: string, context?: object): void;
  transformRawResult<T>(result: unknown, method: Method): T[];
  getClient(): Kysely<unknown>;
  ensureConnection(): Promise<void>;
}

/** A statement ready to run: SQL with placeholders, its values, and what the query log shows. */
interface PreparedStatement {
  self: ConnectionInternals;
  bound: BoundQuery;
  logged: string;
  abort: AbortableQueryOptions | undefined;
  logContext: object;
}

// `AbstractSqlConnection.prepareQuery` (the `onQuery` hook, named parameters) and its logging,
// then the values bound instead of formatted into the SQL.
async function prepare(
  connection: AbstractSqlConnection,
  dialect: ParameterDialect,
  query: unknown,
  params: unknown,
  loggerContext: LoggingOptions | undefined,
): Promise<PreparedStatement> {
  const self = connection as unknown as ConnectionInternals;
  await self.ensureConnection();
  const prepared = self.prepareQuery(query, params ?? []);
  // MikroORM carries a query's AbortSignal inside its logger context; Kysely wants it apart.
  const { signal, inflightQueryAbortStrategy, ...rest } = (loggerContext ?? {}) as AbortableQueryOptions &
    Record<string, unknown>;
  const cancellable = signal !== undefined || inflightQueryAbortStrategy !== undefined;
  return {
    self,
    bound: bindParameters(prepared.query, prepared.params, dialect),
    logged: self.getSql(prepared.query, prepared.formatted, loggerContext),
    abort: cancellable ? { signal, inflightQueryAbortStrategy } : undefined,
    logContext: { ...prepared, ...rest },
  };
}

/** `AbstractSqlConnection.execute` of MikroORM 7.2.1, with the values bound. */
export async function executeBound(
  connection: AbstractSqlConnection,
  dialect: ParameterDialect,
  [query, params, method = 'all', ctx, loggerContext]: Parameters<AbstractSqlConnection['execute']>,
): Promise<unknown> {
  const { self, bound, logged, abort, logContext } = await prepare(
    connection,
    dialect,
    query,
    params,
    loggerContext,
  );
  return self.executeQuery(
    logged,
    async () => {
      const client = (ctx as Kysely<unknown> | undefined) ?? self.getClient();
      const result = await client.executeQuery(CompiledQuery.raw(bound.sql, bound.parameters), abort);
      return self.transformRawResult(result, method);
    },
    logContext,
  );
}

/** `AbstractSqlConnection.stream` of MikroORM 7.2.1, with the values bound. */
export async function* streamBound(
  connection: AbstractSqlConnection,
  dialect: ParameterDialect,
  [query, params, ctx, loggerContext, chunkSize]: Parameters<AbstractSqlConnection['stream']>,
): AsyncGenerator<never> {
  const { self, bound, logged, abort, logContext } = await prepare(
    connection,
    dialect,
    query,
    params,
    loggerContext,
  );
  // Upstream's shape: a select node, so the SQLite driver streams it without validating it.
  const compiled = { query: { kind: 'SelectQueryNode' }, sql: bound.sql, parameters: bound.parameters };
  try {
    const client = (ctx as Kysely<unknown> | undefined) ?? self.getClient();
    const chunks = client
      .getExecutor()
      .stream(compiled as never, chunkSize ?? 100, abort ? { signal: abort.signal } : undefined);
    self.logQuery(logged, { sql: logged, ...logContext });
    for await (const chunk of chunks) yield* self.transformRawResult<never>(chunk, 'all');
  } catch (error) {
    self.logQuery(logged, { sql: logged, ...logContext, level: 'error' });
    throw error;
  }
}

// The upstream constructor made connections of the upstream class; none is open yet, so they are
// swapped before MikroORM connects (the fields are read-only in the typings only).
export function replaceConnections<C>(
  driver: AbstractSqlDriver,
  make: (options: ConnectionOptions | undefined, type: 'read' | 'write') => C,
): void {
  const writable = driver as unknown as {
    connection: C;
    replicas: C[];
    createReplicas(make: (options: ConnectionOptions) => C): C[];
  };
  writable.connection = make(undefined, 'write');
  writable.replicas = writable.createReplicas((options) => make(options, 'read'));
}
