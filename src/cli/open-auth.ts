import type { Config } from '../platform/config/index.ts';
import { createPlatform } from '../platform/index.ts';
import type { Logger } from '../platform/log/index.ts';
import { type AuthService, createAuthService } from '../services/auth/index.ts';
import { createReadingHandOff, ENTITIES } from '../services/index.ts';

/**
 * Runs `work` with the auth service on the configured database, built on the same platform as
 * `hcs serve` builds it (same migrations rule, same signing key, Redis when configured so
 * revocations reach running servers), without listening on any port. Everything is closed
 * afterwards.
 */
export async function withAuth<T>(
  config: Config,
  logger: Logger,
  work: (auth: AuthService) => Promise<T>,
): Promise<T> {
  const platform = createPlatform({ config, logger, entities: ENTITIES });
  try {
    await platform.open();
    return await work(createAuthService({ ...platform, readings: createReadingHandOff() }));
  } finally {
    await platform.close();
  }
}
