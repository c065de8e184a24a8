import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type EntitySchema, type MigrationObject, MikroORM, type Transaction } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import type { Config } from '../config/index.ts';
import { AppError, addErrorTranslator, Code } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import { fromOrmError, translateOrmError } from './from-orm-error.ts';
import { loadMigrations } from './load-migrations.ts';
import { createOrmOptions, type Dialect, dialectOf, sqlitePathOf } from './orm-options.ts';
import { DbReason } from './reasons.ts';

// Key of the PostgreSQL advisory lock that serialises migrations of replicas starting together
// (an arbitrary constant: "hcs" in ASCII).
const MIGRATION_LOCK_KEY = 0x686373;

/** Where the database stands relative to the migrations this build ships. */
export interface MigrationStatus {
  /** Applied migrations this build knows, oldest first. */
  executed: string[];
  /** Migrations this build ships that are not applied yet, oldest first. */
  pending: string[];
  /** Applied migrations this build does not know: the database was migrated by a newer hcs. */
  unknown: string[];
}

/** Running and inspecting the migrations of `migrations/<dialect>/`. */
export interface Migrations {
  /**
   * Applies every pending migration, all in one transaction; resolves the names applied. On
   * PostgreSQL the transaction first takes an advisory lock, so replicas starting together
   * migrate one after the other and the later ones find nothing pending.
   */
  up(): Promise<string[]>;
  /**
   * Reverts the last applied migration, or every migration after `to` (`0`: all of them);
   * resolves the names reverted, newest first.
   */
  down(options?: { to?: string | 0 }): Promise<string[]>;
  status(): Promise<MigrationStatus>;
}

/** The database of one hcs process. */
export interface Database {
  readonly dialect: Dialect;
  /** The MikroORM instance; for the platform and tests. Services use {@link em}. */
  readonly orm: MikroORM<AbstractSqlDriver, EntityManager<AbstractSqlDriver>>;
  /** A fresh EntityManager fork: one per call, never shared between calls. */
  em(): EntityManager<AbstractSqlDriver>;
  readonly migrate: Migrations;
  /**
   * Throws FAILED_PRECONDITION `DATABASE_NEWER_THAN_CODE` when the database has applied
   * migrations this build does not know. The server calls it before anything else and refuses
   * to start: running old code on a newer schema corrupts data silently.
   */
  checkSchemaNotNewer(): Promise<void>;
  /** Whether the database answers a trivial query now; for readiness checks. Never throws. */
  isReady(): Promise<boolean>;
  /** Closes every connection. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createDatabase}. */
export interface CreateDatabaseOptions {
  config: Pick<Config, 'databaseUrl' | 'dataDir'>;
  logger: Logger;
  /** Every entity hcs maps. Default the platform's own (`PLATFORM_ENTITIES`). */
  entities?: readonly EntitySchema[];
  /** The migrations of the selected dialect. Default those of `migrations/<dialect>/index.ts`. */
  migrations?: readonly MigrationObject[];
}

/**
 * Connects to the database the configuration selects (SQLite file in the data directory, or
 * PostgreSQL) and returns it. Applies no migration: `serve` calls `checkSchemaNotNewer()` then
 * `migrate.up()`; `hcs migrate` exposes the rest. A failed connection is thrown as
 * UNAVAILABLE `DATABASE_UNAVAILABLE` (see `fromOrmError`). From then on `AppError.from`
 * translates database errors wherever they surface, so services do not catch them.
 */
export async function createDatabase(options: CreateDatabaseOptions): Promise<Database> {
  const { config, logger } = options;
  addErrorTranslator(translateOrmError);
  const dialect = dialectOf(config);
  if (dialect === 'sqlite') mkdirSync(dirname(sqlitePathOf(config)), { recursive: true });
  const migrations = options.migrations ?? (await loadMigrations(dialect));
  const known = migrations.map((migration) => migration.name);
  const ormOptions = await createOrmOptions({ config, logger, migrations, entities: options.entities });
  const orm = (await MikroORM.init(ormOptions)) as unknown as MikroORM<
    AbstractSqlDriver,
    EntityManager<AbstractSqlDriver>
  >;
  try {
    await orm.em.getConnection().execute('select 1');
  } catch (error) {
    await orm.close(true);
    throw fromOrmError(error);
  }
  logger.info(
    { dialect, ...(dialect === 'sqlite' ? { file: sqlitePathOf(config) } : {}) },
    'database connected',
  );
  let closed = false;

  /**
   * Runs `work` so that no other hcs process migrates meanwhile, translating its errors once. PostgreSQL: in a transaction that
   * holds an advisory lock, handed to `work`; the migrator's first call also creates its table,
   * which must not race either. SQLite: directly, as one process owns the file, and its single
   * connection could not serve the migrator's other queries while a transaction of ours held it.
   */
  async function exclusively<T>(work: (transaction?: Transaction) => Promise<T>): Promise<T> {
    try {
      if (dialect !== 'postgresql') return await work();
      const connection = orm.em.getConnection();
      return await connection.transactional(async (transaction) => {
        await connection.execute('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY], 'all', transaction);
        return work(transaction);
      });
    } catch (error) {
      throw fromOrmError(error);
    }
  }

  async function status(): Promise<MigrationStatus> {
    const applied = (await exclusively(() => orm.migrator.getExecuted())).map((row) => row.name);
    const appliedSet = new Set(applied);
    const knownSet = new Set(known);
    return {
      executed: applied.filter((name) => knownSet.has(name)),
      pending: known.filter((name) => !appliedSet.has(name)),
      unknown: applied.filter((name) => !knownSet.has(name)),
    };
  }

  return {
    dialect,
    orm,
    em: () => orm.em.fork(),
    migrate: {
      async up() {
        const applied = (await exclusively((transaction) => orm.migrator.up({ transaction }))).map(
          (migration) => migration.name,
        );
        if (applied.length > 0) logger.info({ dialect, migrations: applied }, 'migrations applied');
        return applied;
      },
      async down(downOptions = {}) {
        const to = downOptions.to;
        const reverted = await exclusively((transaction) =>
          orm.migrator.down(to === undefined ? { transaction } : { to, transaction }),
        );
        const names = reverted.map((migration) => migration.name);
        if (names.length > 0) logger.warn({ dialect, migrations: names }, 'migrations reverted');
        return names;
      },
      status,
    },
    async checkSchemaNotNewer() {
      const { unknown } = await status();
      if (unknown.length === 0) return;
      throw new AppError(
        Code.FAILED_PRECONDITION,
        DbReason.DATABASE_NEWER_THAN_CODE,
        `the database is newer than this hcs build: it has ${unknown.length} migration(s) this build does not ` +
          `know (${unknown.join(', ')}); refusing to run on it — upgrade hcs or restore a backup`,
        { metadata: { unknownMigrations: unknown.join(','), dialect } },
      );
    },
    async isReady() {
      if (closed) return false;
      return (await orm.checkConnection()).ok;
    },
    async close() {
      if (closed) return;
      closed = true;
      await orm.close();
    },
  };
}
