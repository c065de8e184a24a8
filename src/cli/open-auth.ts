import { mkdirSync } from 'node:fs';
import { openDatabase } from '../app.ts';
import { type Config, HCS_VERSION } from '../platform/config/index.ts';
import { createAuditLog } from '../platform/db/index.ts';
import type { Logger } from '../platform/log/index.ts';
import { createSharedState } from '../platform/redis/index.ts';
import { type Auth, authSettingsOf, createAuth } from '../services/auth/index.ts';

/**
 * Runs `work` with the auth service on the configured database, as `hcs serve` would build it
 * (same migrations rule, same signing key, Redis when configured so revocations reach running
 * servers), without listening on any port. Everything is closed afterwards.
 */
export async function withAuth<T>(
  config: Config,
  logger: Logger,
  work: (auth: Auth) => Promise<T>,
): Promise<T> {
  mkdirSync(config.dataDir, { recursive: true });
  const shared = createSharedState({ redisUrl: config.redisUrl, prefix: config.redisPrefix, logger });
  try {
    const database = await openDatabase(config, logger);
    try {
      const em = () => database.em();
      const auth = createAuth({
        settings: authSettingsOf(config),
        em,
        cache: shared.cache,
        bus: shared.bus,
        lock: shared.lock,
        audit: createAuditLog({ em, logger }),
        logger,
        version: HCS_VERSION,
      });
      return await work(auth);
    } finally {
      await database.close();
    }
  } finally {
    await shared.close();
  }
}
