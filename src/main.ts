#!/usr/bin/env node
/**
 * The `hcs` command line: parse the arguments, then hand over to the app. Exit codes:
 * 0 success, 1 a failed check or a crash, 2 a usage or configuration error.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createApp, runUntilSignal } from './app.ts';
import { APIKEY_HELP, runApiKeyCommand, runUserCommand, USER_HELP, UsageError } from './cli/index.ts';
import { type Config, ConfigError, HCS_VERSION, loadConfig } from './platform/config/index.ts';
import { createDatabase } from './platform/db/index.ts';
import { createLogger, type Logger } from './platform/log/index.ts';
import { OAUTH_ENDPOINT_METHODS } from './services/auth/index.ts';
import { ENTITIES } from './services/index.ts';
import { createOpenApiDocument } from './transport/gateway/index.ts';
import { createRouteTable } from './transport/gateway/routing/index.ts';
import { probeHealth } from './transport/grpc/index.ts';
import { loadContract } from './transport/rpc/index.ts';

const VERSION = HCS_VERSION;

const HELP: Record<string, string> = {
  user: USER_HELP,
  apikey: APIKEY_HELP,
  main: `hcs ${VERSION} — edge gRPC control plane

Usage: hcs <command> [options]

Commands:
  serve     Serve gRPC (HCS_GRPC_PORT) and HTTP (HCS_HTTP_PORT) until SIGTERM/SIGINT
  health    Ask a running server's grpc.health.v1.Health; exit 0 if SERVING, 1 if not
  migrate   Apply, revert or list database migrations (HCS_DATABASE_URL)
  user      Add, list, disable users and set passwords in the database
  apikey    Create, list and revoke API keys in the database
  openapi   Print the OpenAPI 3.1 document of the REST view (as served at /api/v1/openapi.json)

Options:
  -h, --help     Show help (also: hcs <command> --help)
  -v, --version  Show the version

Configuration comes from HCS_* environment variables and an optional .env file;
see README.md for the full list.`,
  serve: `Usage: hcs serve

Starts the gRPC server (reflection and health included) and the HTTP server.
Configuration is read from HCS_* variables; every invalid one is reported at once
and the process exits with status 2 without opening a port. SIGTERM or SIGINT
drains in-flight calls for up to HCS_SHUTDOWN_TIMEOUT_MS, then exits 0.`,
  migrate: `Usage: hcs migrate up|down|status

Works on the database HCS_DATABASE_URL names (default: the SQLite file in HCS_DATA_DIR).
  up       apply every pending migration
  down     revert the most recent migration
  status   list applied and pending migrations (exit 1 when some are pending, or
           when the database has migrations this build does not know)
hcs serve applies pending migrations itself on SQLite (HCS_AUTO_MIGRATE).`,
  openapi: `Usage: hcs openapi

Prints the OpenAPI 3.1 document of the REST gateway to standard output: the same
document a running server serves at /api/v1/openapi.json, built from the protos.`,
  health: `Usage: hcs health [--target host:port] [--service name] [--timeout ms]

Calls grpc.health.v1.Health/Check. Exit 0 when the status is SERVING, 1 otherwise
(not serving, unreachable, timed out). Used by the Docker HEALTHCHECK.

Options:
  --target   Server address. Default 127.0.0.1:$HCS_GRPC_PORT (50051)
  --service  Service to check, e.g. hcs.v1.DeviceService. Default: the whole server
  --timeout  Milliseconds to wait. Default 3000`,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    process.stdout.write(`${HELP[topic ?? 'main'] ?? HELP.main}\n`);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const text = HELP[command];
    if (text === undefined) return usageError(`unknown command "${command}"`);
    process.stdout.write(`${text}\n`);
    return 0;
  }
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'health':
      return health(rest);
    case 'openapi':
      return openapi(rest);
    case 'migrate':
      return migrate(rest);
    case 'user':
      return admin(command, rest, runUserCommand);
    case 'apikey':
      return admin(command, rest, runApiKeyCommand);
    default:
      return usageError(`unknown command "${command}"`);
  }
}

async function serve(args: string[]): Promise<number> {
  if (args.length > 0) return usageError(`serve takes no arguments, got "${args.join(' ')}"`);
  const config = loadConfigOrExit();
  if (config === undefined) return 2;
  const logger = createLogger({ level: config.logLevel });
  let app: ReturnType<typeof createApp>;
  try {
    app = createApp({ config, logger });
  } catch (error) {
    logger.fatal({ err: error }, 'hcs could not start');
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    return 1;
  }
  const code = await runUntilSignal(app, logger);
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  // Everything is closed; should a library still hold a handle, exit anyway rather than hang.
  setTimeout(() => process.exit(code), 1000).unref();
  return code;
}

async function health(args: string[]): Promise<number> {
  let values: { target?: string; service?: string; timeout?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { target: { type: 'string' }, service: { type: 'string' }, timeout: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usageError((error as Error).message);
  }
  const timeoutMs = values.timeout === undefined ? 3000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    return usageError(`--timeout must be a positive integer, got "${values.timeout}"`);
  let target = values.target;
  if (target === undefined) {
    const config = loadConfigOrExit();
    if (config === undefined) return 2;
    target = `127.0.0.1:${config.grpcPort}`;
  }
  try {
    const status = await probeHealth({ target, service: values.service ?? '', timeoutMs });
    process.stdout.write(`${status}\n`);
    return status === 'SERVING' ? 0 : 1;
  } catch (error) {
    process.stderr.write(`hcs health: ${target}: ${(error as Error).message}\n`);
    return 1;
  }
}

async function migrate(args: string[]): Promise<number> {
  const [action, ...extra] = args;
  if (action === undefined || !['up', 'down', 'status'].includes(action) || extra.length > 0) {
    return usageError('usage: hcs migrate up|down|status');
  }
  const config = loadConfigOrExit();
  if (config === undefined) return 2;
  const logger = stderrLogger(config);
  const database = await createDatabase({ config, logger, entities: ENTITIES });
  try {
    if (action === 'up') {
      await database.checkSchemaNotNewer();
      const applied = await database.migrate.up();
      process.stdout.write(
        applied.length === 0 ? 'no pending migrations\n' : `applied: ${applied.join(', ')}\n`,
      );
      return 0;
    }
    if (action === 'down') {
      const reverted = await database.migrate.down();
      process.stdout.write(
        reverted.length === 0 ? 'nothing to revert\n' : `reverted: ${reverted.join(', ')}\n`,
      );
      return 0;
    }
    const status = await database.migrate.status();
    for (const name of status.executed) process.stdout.write(`applied   ${name}\n`);
    for (const name of status.pending) process.stdout.write(`pending   ${name}\n`);
    for (const name of status.unknown) process.stdout.write(`unknown   ${name} (newer than this build)\n`);
    return status.pending.length > 0 || status.unknown.length > 0 ? 1 : 0;
  } catch (error) {
    process.stderr.write(
      `hcs migrate ${action}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    await database.close();
  }
}

/** Runs `hcs user` or `hcs apikey`: usage errors exit 2, refused operations 1 with the reason. */
async function admin(
  command: string,
  args: string[],
  run: (args: string[], config: Config, logger: Logger) => Promise<number>,
): Promise<number> {
  const config = loadConfigOrExit();
  if (config === undefined) return 2;
  try {
    return await run(args, config, stderrLogger(config));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      return usageError((error as Error).message);
    }
    process.stderr.write(`hcs ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** Log lines go to standard error: standard output is the command's answer. */
function stderrLogger(config: Config): Logger {
  return createLogger({
    level: config.logLevel === 'info' ? 'warn' : config.logLevel,
    destination: pino.destination({ dest: 2, sync: true }),
  });
}

function openapi(args: string[]): number {
  if (args.length > 0) return usageError(`openapi takes no arguments, got "${args.join(' ')}"`);
  const contract = loadContract();
  const document = createOpenApiDocument({
    contract,
    routes: createRouteTable(contract),
    version: VERSION,
    oauthMethods: OAUTH_ENDPOINT_METHODS,
  });
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  return 0;
}

function loadConfigOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`hcs: ${error.message}\n`);
    return undefined;
  }
}

function usageError(message: string): number {
  process.stderr.write(`hcs: ${message}\nRun "hcs --help" for usage.\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`hcs: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
