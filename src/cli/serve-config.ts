import {
  acceptStoredSettings,
  type Config,
  type LoadConfigOptions,
  loadConfig,
} from '../platform/config/index.ts';
import { type Database, openDatabase } from '../platform/db/index.ts';
import type { Logger } from '../platform/log/index.ts';
import { ENTITIES } from '../services/index.ts';
import { readStoredSettings } from '../services/system/index.ts';

/**
 * The configuration `hcs serve` runs with: `base` (the environment and `.env`, already
 * loaded, which names the database) with the values stored through the settings API applied
 * below both, so a variable the operator sets always wins. Opens the database for that read as
 * the server will (migrating it when allowed) and returns it open, for the server to use rather
 * than open it a second time (the database and the data directory are not settings the API
 * changes). A stored value this build refuses is logged and left out rather than stopping the
 * start: the API that would fix it needs a running server. `options` are those `base` was
 * loaded with (default: the process's environment and working directory). Nothing stays open
 * when it throws.
 */
export async function openWithStoredSettings(
  base: Config,
  logger: Logger,
  options: Omit<LoadConfigOptions, 'stored'> = {},
): Promise<{ config: Config; database: Database }> {
  const database = await openDatabase({ config: base, logger, entities: ENTITIES });
  try {
    const stored = await readStoredSettings(database.em());
    return { config: applyStoredSettings(base, stored, logger, options), database };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** {@link openWithStoredSettings}, closing the database again. */
export async function withStoredSettings(
  base: Config,
  logger: Logger,
  options: Omit<LoadConfigOptions, 'stored'> = {},
): Promise<Config> {
  const { config, database } = await openWithStoredSettings(base, logger, options);
  await database.close();
  return config;
}

function applyStoredSettings(
  base: Config,
  stored: Record<string, string>,
  logger: Logger,
  options: Omit<LoadConfigOptions, 'stored'>,
): Config {
  if (Object.keys(stored).length === 0) return base;
  const { accepted, problems } = acceptStoredSettings(stored);
  for (const problem of problems) logger.warn({ setting: problem.name }, problem.message);
  // The environment stays the one read first: the start's, not a second look at process.env.
  const config = { ...loadConfig({ ...options, stored: accepted }), environment: base.environment };
  const applied = Object.entries(config.settings).flatMap(([name, setting]) =>
    setting.source === 'stored' ? [name] : [],
  );
  if (applied.length > 0) logger.info({ settings: applied }, 'stored settings applied');
  return config;
}
