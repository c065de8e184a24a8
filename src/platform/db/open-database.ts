import type { EntitySchema } from '@mikro-orm/core';
import type { Config } from '../config/index.ts';
import { AppError, Code } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import { createDatabase, type Database } from './create-database.ts';
import { dialectOf } from './orm-options.ts';
import { DbReason } from './reasons.ts';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'autoMigrate'>;
  logger: Logger;
  /** Every entity hcs maps (the services' included); the caller composes the list. */
  entities: readonly EntitySchema[];
}

/**
 * Connects the database and brings its schema to this build, as `hcs serve` and the
 * administration commands need it: refuses a database newer than the code, applies pending
 * migrations when allowed (see `Config.autoMigrate`; default on SQLite only), and otherwise
 * refuses to run on pending migrations with FAILED_PRECONDITION `DATABASE_MIGRATIONS_PENDING`,
 * naming the command that applies them. Nothing stays open when it throws.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { config, logger } = options;
  const database = await createDatabase({ config, logger, entities: options.entities });
  try {
    await database.checkSchemaNotNewer();
    const { pending } = await database.migrate.status();
    const autoMigrate = config.autoMigrate ?? dialectOf(config) === 'sqlite';
    if (pending.length > 0 && !autoMigrate) {
      throw new AppError(
        Code.FAILED_PRECONDITION,
        DbReason.DATABASE_MIGRATIONS_PENDING,
        `the database has ${pending.length} pending migration(s): run "hcs migrate up" (or set HCS_AUTO_MIGRATE=true)`,
      );
    }
    if (pending.length > 0) logger.info({ applied: await database.migrate.up() }, 'database migrated');
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
