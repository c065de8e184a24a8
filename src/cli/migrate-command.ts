import { loadConfig } from '../platform/config/index.ts';
import { createDatabase, type Database } from '../platform/db/index.ts';
import { ENTITIES } from '../services/index.ts';
import type { Command } from './command.ts';
import { createCommandLogger } from './command-logger.ts';
import { UsageError } from './output.ts';

/** Help of `hcs migrate`. */
export const MIGRATE_HELP = `Usage: hcs migrate up|down|status

Works on the database HCS_DATABASE_URL names (default: the SQLite file in HCS_DATA_DIR).
  up       apply every pending migration
  down     revert the most recent migration
  status   list applied and pending migrations (exit 1 when some are pending, or
           when the database has migrations this build does not know)
hcs serve applies pending migrations itself on SQLite (HCS_AUTO_MIGRATE).`;

/** `hcs migrate up|down|status`: what it did, or the migrations' state, on standard output. */
export const migrateCommand: Command = {
  summary: 'Apply, revert or list database migrations (HCS_DATABASE_URL)',
  help: MIGRATE_HELP,
  run: runMigrateCommand,
};

const ACTIONS = {
  async up(database: Database) {
    await database.checkSchemaNotNewer();
    const applied = await database.migrate.up();
    process.stdout.write(
      applied.length === 0 ? 'no pending migrations\n' : `applied: ${applied.join(', ')}\n`,
    );
    return 0;
  },
  async down(database: Database) {
    const reverted = await database.migrate.down();
    process.stdout.write(
      reverted.length === 0 ? 'nothing to revert\n' : `reverted: ${reverted.join(', ')}\n`,
    );
    return 0;
  },
  async status(database: Database) {
    const status = await database.migrate.status();
    for (const name of status.executed) process.stdout.write(`applied   ${name}\n`);
    for (const name of status.pending) process.stdout.write(`pending   ${name}\n`);
    for (const name of status.unknown) process.stdout.write(`unknown   ${name} (newer than this build)\n`);
    return status.pending.length > 0 || status.unknown.length > 0 ? 1 : 0;
  },
} satisfies Record<string, (database: Database) => Promise<number>>;

async function runMigrateCommand(args: string[]): Promise<number> {
  const [action, ...extra] = args;
  if (action === undefined || !Object.hasOwn(ACTIONS, action) || extra.length > 0) {
    throw new UsageError('usage: hcs migrate up|down|status');
  }
  const config = loadConfig();
  try {
    const logger = await createCommandLogger(config);
    const database = await createDatabase({ config, logger, entities: ENTITIES });
    try {
      return await ACTIONS[action as keyof typeof ACTIONS](database);
    } finally {
      await database.close();
    }
  } catch (error) {
    process.stderr.write(
      `hcs migrate ${action}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}
