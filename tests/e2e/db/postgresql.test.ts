import { createTestPostgresDatabase, postgresSuitesEnabled } from '../../helpers/postgres.ts';
import { runDatabaseCases } from './database.case.ts';
import { type DriverStatement, runStatementCases } from './statements.case.ts';

/** A pooled `pg` client: Kysely calls `query(sql, values)`, or `query(cursor)` to stream. */
interface PgClient {
  query(
    config: string | { text: string; values?: unknown[] },
    values?: unknown[],
    ...rest: unknown[]
  ): unknown;
}

const openDatabase = async () => {
  const database = await createTestPostgresDatabase();
  return { config: { databaseUrl: database.url, dataDir: '/nonexistent' }, cleanup: database.drop };
};

if (await postgresSuitesEnabled('database on postgresql')) {
  runDatabaseCases({
    label: 'postgresql',
    sharedByReplicas: true,
    open: openDatabase,
    unreachable: () => ({ databaseUrl: 'postgres://postgres@127.0.0.1:1/hcs', dataDir: '/nonexistent' }),
  });
  runStatementCases({
    label: 'postgresql',
    storesNul: false,
    open: openDatabase,
    async record(db, into: DriverStatement[]) {
      const connection = db.em().getConnection() as unknown as {
        getNativeClient(): Promise<{ on(event: 'acquire', listener: (client: PgClient) => void): void }>;
      };
      const wrapped = new WeakSet<PgClient>();
      (await connection.getNativeClient()).on('acquire', (client) => {
        if (wrapped.has(client)) return;
        wrapped.add(client);
        const query = client.query.bind(client);
        client.query = (config, values, ...rest) => {
          if (typeof config === 'string') into.push({ sql: config, parameters: values ?? [] });
          else into.push({ sql: config.text, parameters: config.values ?? values ?? [] });
          return query(config, values, ...rest);
        };
      });
    },
  });
}
