import { isatty } from 'node:tty';
import { type DestinationStream, pino } from 'pino';
import { createLogger, type Logger } from './create-logger.ts';
import { chooseLogFormat, type LogFormatFacts } from './log-format.ts';

/** Options of {@link createProcessLogger}. */
export interface ProcessLoggerOptions {
  /** Minimum level written. */
  level: string;
  /** `HCS_ENV`: development at a terminal gets readable lines. */
  env: LogFormatFacts['env'];
  /**
   * Where lines go: 1, standard output (default: a server's log), written asynchronously and
   * flushed at exit; or 2, standard error (a one-shot command, whose standard output is its
   * answer), written synchronously since the command ends right after.
   */
  fd?: 1 | 2;
}

/**
 * The logger of an hcs process: JSON lines (see {@link createLogger}), or, in development at
 * a terminal (see {@link chooseLogFormat}), the same events pretty-printed by `pino-pretty`,
 * which is imported only then, so other processes never load it.
 */
export async function createProcessLogger(options: ProcessLoggerOptions): Promise<Logger> {
  const fd = options.fd ?? 1;
  const format = chooseLogFormat({ env: options.env, isTTY: isatty(fd) });
  const destination: DestinationStream =
    format === 'pretty'
      ? (await import('pino-pretty')).default({
          destination: fd,
          sync: true,
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
        })
      : pino.destination({ dest: fd, sync: fd === 2 });
  return createLogger({ level: options.level, destination });
}
