import { type App, createApp } from '../app.ts';
import { ConfigError, loadConfig } from '../platform/config/index.ts';
import { createProcessLogger, type Logger } from '../platform/log/index.ts';
import { releaseStartHeap, saveCompileCache } from '../platform/runtime-flags/index.ts';
import type { Command } from './command.ts';
import { UsageError } from './output.ts';
import { openWithStoredSettings } from './serve-config.ts';

/** Help of `hcs serve`. */
export const SERVE_HELP = `Usage: hcs serve

Starts the gRPC server (reflection and health included) and the HTTP server.
Configuration is read from HCS_* variables (the environment, then .env), then from
values stored through the settings API; every invalid variable is reported at once
and the process exits with status 2 without opening a port. SIGTERM or SIGINT
drains in-flight calls for up to HCS_SHUTDOWN_TIMEOUT_MS, then exits 0.`;

/** `hcs serve`: the process lifecycle around {@link createApp}. */
export const serveCommand: Command = {
  summary: 'Serve gRPC (HCS_GRPC_PORT) and HTTP (HCS_HTTP_PORT) until SIGTERM/SIGINT',
  help: SERVE_HELP,
  run: runServeCommand,
};

async function runServeCommand(args: string[]): Promise<number> {
  if (args.length > 0) throw new UsageError(`serve takes no arguments, got "${args.join(' ')}"`);
  const environment = loadConfig();
  const logger = await createProcessLogger({ level: environment.logLevel, env: environment.env });
  let app: App;
  try {
    const { config, database } = await openWithStoredSettings(environment, logger);
    const ormDebug = logger.isLevelEnabled('debug');
    logger.level = config.logLevel;
    // The ORM's query log follows the level it was opened with: reopen when a stored level changed it.
    const keep = logger.isLevelEnabled('debug') === ormDebug;
    if (!keep) await database.close();
    app = createApp({ config, logger, ...(keep ? { database } : {}) });
  } catch (error) {
    logger.fatal({ err: error }, 'hcs could not start');
    await flush(logger);
    return 1;
  }
  const code = await runUntilSignal(app, logger);
  await flush(logger);
  // Everything is closed; should a library still hold a handle, exit anyway rather than hang.
  setTimeout(() => process.exit(code), 1000).unref();
  return code;
}

/**
 * Runs an app as a process: start it, serve until SIGTERM or SIGINT, then close it gracefully.
 * A second signal exits at once. Resolves to the process exit code: 0 after a clean stop,
 * 2 when a configuration file read at start is invalid, 1 when the app could not start otherwise.
 */
export async function runUntilSignal(app: App, logger: Logger): Promise<number> {
  // Listen before starting: "hcs is serving" is the last thing start() logs, and a signal sent
  // on reading it must find a listener, not the default action that kills the process at once.
  let signalled = false;
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (received: NodeJS.Signals) => {
      if (signalled) process.exit(1);
      signalled = true;
      resolve(received);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  try {
    await app.start();
  } catch (error) {
    logger.fatal({ err: error }, 'hcs could not start');
    await app.close().catch(() => undefined);
    // A configuration file read at start (the command allow-list) fails like a variable does.
    if (error instanceof ConfigError) {
      process.stderr.write(`hcs: ${error.message}\n`);
      return 2;
    }
    return 1;
  }
  // What starting left behind is garbage by now. The collection blocks for a while (~1 s of CPU
  // on a loaded 2-core host), so it runs a little after start, not in the way of the first calls.
  // The compile cache is written first, while the code start compiled is all still there.
  const release = setTimeout(() => {
    saveCompileCache();
    releaseStartHeap();
  }, RELEASE_START_HEAP_AFTER_MS).unref();
  const received = await signal;
  clearTimeout(release);
  logger.info({ signal: received }, 'signal received');
  await app.close();
  return 0;
}

/** How long after start the heap start left behind is given back ({@link releaseStartHeap}). */
const RELEASE_START_HEAP_AFTER_MS = 1000;

function flush(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
