import type { Config } from '../platform/config/index.ts';
import { createProcessLogger, type Logger } from '../platform/log/index.ts';

/**
 * The logger of a one-shot command (`migrate`, `user`, `apikey`): its lines go to standard
 * error, because standard output is the command's answer, and at `warn` unless
 * `HCS_LOG_LEVEL` asks for something other than the default `info`, so a routine run prints
 * only its answer. Readable lines at a terminal in development, as `hcs serve` writes them.
 */
export function createCommandLogger(config: Pick<Config, 'logLevel' | 'env'>): Promise<Logger> {
  return createProcessLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    env: config.env,
    fd: 2,
  });
}
