import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntitySchema, MigrationObject, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { AuditEntrySchema } from './audit-entry.entity.ts';

/** The SQL dialects hcs runs on; also the name of each dialect's folder under `migrations/`. */
export type Dialect = 'sqlite' | 'postgresql';

/** The entities the platform itself owns. Services add theirs in the composition root. */
export const PLATFORM_ENTITIES: readonly EntitySchema[] = [AuditEntrySchema];

/** Upper bound of PostgreSQL connections per process: several replicas share one server. */
export const POSTGRES_POOL_MAX = 10;

/** `<repo>/migrations`, found from this file both in `src/` (tsx) and in `dist/` (compiled). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** Name of the SQLite file inside the data directory. */
export const SQLITE_FILE_NAME = 'hcs.sqlite';

/** MikroORM options for either SQL driver hcs uses. */
export type OrmOptions = Partial<Options<AbstractSqlDriver>>;

/** Options of {@link createOrmOptions}. */
export interface OrmOptionsInput {
  config: Pick<Config, 'databaseUrl' | 'dataDir'>;
  /** Every entity hcs maps; the migrations must describe exactly these. Default {@link PLATFORM_ENTITIES}. */
  entities?: readonly EntitySchema[];
  /** The migrations of this dialect, oldest first (`migrations/<dialect>/index.ts`). Default none. */
  migrations?: readonly MigrationObject[];
  /** Receives MikroORM's own messages at debug level. Default: they are dropped. */
  logger?: Logger;
}

/**
 * The driver class of a dialect, imported on demand: the PostgreSQL driver (with `pg`) and the
 * SQLite one (with the native better-sqlite3) each cost start time and memory, and a process
 * runs on one of them only.
 */
export async function loadBoundDriver(dialect: Dialect): Promise<NonNullable<OrmOptions['driver']>> {
  if (dialect === 'postgresql') return (await import('./bound-postgresql-driver.ts')).BoundPostgreSqlDriver;
  return (await import('./bound-sqlite-driver.ts')).BoundSqliteDriver;
}

/** Which dialect a configuration selects: PostgreSQL for a `postgres://` URL, else SQLite. */
export function dialectOf(config: Pick<Config, 'databaseUrl'>): Dialect {
  const url = config.databaseUrl;
  return url !== undefined && /^postgres(ql)?:/.test(url) ? 'postgresql' : 'sqlite';
}

/** The SQLite file a configuration selects: `<dataDir>/hcs.sqlite`, or the path of a `sqlite:`/`file:` URL. */
export function sqlitePathOf(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  const url = config.databaseUrl;
  if (url === undefined) return join(config.dataDir, SQLITE_FILE_NAME);
  if (url.startsWith('file:')) return fileURLToPath(url);
  return url.replace(/^sqlite:(\/\/)?/, '');
}

// Applied to every new SQLite connection: WAL lets readers run beside the one writer, foreign
// keys are off by default in SQLite, and a busy writer makes others wait instead of failing.
const SQLITE_PRAGMAS = [
  'pragma journal_mode = wal',
  'pragma foreign_keys = on',
  'pragma busy_timeout = 5000',
];

/** The part of a Kysely connection `onCreateConnection` receives that the pragmas need. */
interface RawConnection {
  executeQuery(query: { sql: string; parameters: readonly unknown[]; query: unknown }): Promise<unknown>;
}

async function applySqlitePragmas(connection: unknown): Promise<void> {
  for (const sql of SQLITE_PRAGMAS) {
    // The shape of Kysely's CompiledQuery.raw(sql), without depending on Kysely directly.
    const query = { kind: 'RawNode', sqlFragments: [sql], parameters: [] };
    await (connection as RawConnection).executeQuery({ sql, parameters: [], query });
  }
}

/**
 * MikroORM options for a configuration, with only the selected dialect's driver loaded: unset `databaseUrl` (or `sqlite:`/`file:`) is a SQLite
 * file with WAL and foreign keys on; `postgres://…` is PostgreSQL with at most
 * {@link POSTGRES_POOL_MAX} connections. Migrations are an explicit list, not a folder scan, so
 * the code knows exactly which migrations it ships (see `checkSchemaNotNewer`), and the
 * migrator writes new ones to `migrations/<dialect>/` as TypeScript.
 *
 * The database is never created implicitly (`ensureDatabase: false`): PostgreSQL databases are
 * provisioned by the operator; the SQLite file is created by the driver when opened.
 */
export async function createOrmOptions(input: OrmOptionsInput): Promise<OrmOptions> {
  const { config, logger } = input;
  const dialect = dialectOf(config);
  const common = {
    entities: [...(input.entities ?? PLATFORM_ENTITIES)],
    extensions: [Migrator],
    ensureDatabase: false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: logger?.isLevelEnabled('debug') === true,
    colors: false,
    logger: (message: string) => logger?.debug({ component: 'mikro-orm' }, message),
    migrations: {
      path: join(MIGRATIONS_DIR, dialect),
      pathTs: join(MIGRATIONS_DIR, dialect),
      emit: 'ts' as const,
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
      migrationsList: [...(input.migrations ?? [])],
    },
  } satisfies OrmOptions;
  if (dialect === 'postgresql') {
    return {
      ...common,
      driver: await loadBoundDriver(dialect),
      clientUrl: config.databaseUrl,
      pool: { min: 0, max: POSTGRES_POOL_MAX, idleTimeoutMillis: 30_000 },
      driverOptions: { connectionTimeoutMillis: 5_000 },
    };
  }
  return {
    ...common,
    driver: await loadBoundDriver(dialect),
    dbName: sqlitePathOf(config),
    onCreateConnection: applySqlitePragmas,
  };
}
