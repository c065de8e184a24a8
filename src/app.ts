import { mkdirSync } from 'node:fs';
import { type Config, HCS_VERSION } from './platform/config/index.ts';
import { createAuditLog, createDatabase, type Database, dialectOf } from './platform/db/index.ts';
import { AppError, Code } from './platform/errors/index.ts';
import type { Logger } from './platform/log/index.ts';
import { createSharedState, formatBackendStatus, type SharedState } from './platform/redis/index.ts';
import {
  type Auth,
  type AuthOptions,
  authSettingsOf,
  createAuth,
  OAUTH_ENDPOINT_METHODS,
} from './services/auth/index.ts';
import { createServiceRegistrations, ENTITIES } from './services/index.ts';
import { createHttpServer, createOpenApiDocument, createTranscoder } from './transport/gateway/index.ts';
import { createGrpcServer } from './transport/grpc/index.ts';
import {
  assertEveryMethodHasPolicy,
  createChain,
  createProcedureTable,
  loadContract,
  type ServiceRegistration,
} from './transport/rpc/index.ts';

/** Options of {@link createApp}. */
export interface AppOptions {
  config: Config;
  logger: Logger;
  /**
   * Adjusts the services served, given every hcs service as implemented so far (benchmarks and
   * tests add methods with it). Default: serve them as they are.
   */
  services?: (defaults: ServiceRegistration[]) => ServiceRegistration[];
  /** Options of the auth service that are not configuration (e.g. a cheaper password hash). */
  auth?: Pick<AuthOptions, 'hasher' | 'throttle' | 'accessTokenTtlMs'>;
}

/** The ports the process listens on once started. */
export interface AppAddresses {
  grpcPort: number;
  httpPort: number;
}

/** One running hcs: start it once, close it once. */
export interface App {
  start(): Promise<AppAddresses>;
  /** Graceful stop: refuse new work, drain in-flight calls for up to the configured time, close. */
  close(): Promise<void>;
}

/**
 * The composition root: config → platform (database, shared cache, bus and lock) → services →
 * transports. Nothing else wires components together, so this file is the map of the process.
 */
export function createApp(options: AppOptions): App {
  const { config, logger } = options;
  const shared: SharedState = createSharedState({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    logger,
  });
  try {
    return assembleApp(options, shared);
  } catch (error) {
    // Redis may already be connecting: let the process exit instead of hanging on it.
    void shared.close();
    throw error;
  }
}

function assembleApp(options: AppOptions, shared: SharedState): App {
  const { config, logger } = options;
  const contract = loadContract();
  assertEveryMethodHasPolicy(contract);

  // Services get the database through a getter: the procedures exist before start() opens it.
  let database: Database | undefined;
  const em = () => {
    if (database === undefined)
      throw new AppError(Code.UNAVAILABLE, 'DATABASE_NOT_OPEN', 'the database is not open');
    return database.em();
  };
  mkdirSync(config.dataDir, { recursive: true });
  const audit = createAuditLog({ em, logger });
  const auth: Auth = createAuth({
    settings: authSettingsOf(config),
    em,
    cache: shared.cache,
    bus: shared.bus,
    lock: shared.lock,
    audit,
    logger,
    version: HCS_VERSION,
    ...options.auth,
  });
  if (
    dialectOf(config) === 'postgresql' &&
    config.secretKey === undefined &&
    config.jwtPrivateKeyFile === undefined
  ) {
    logger.warn(
      'HCS_SECRET_KEY is unset on a shared database: each replica signs with its own generated secret, so a token from one is refused by the others; set HCS_SECRET_KEY (the same on every replica)',
    );
  }
  if (config.env === 'production' && config.publicUrl === undefined) {
    logger.warn(
      'HCS_PUBLIC_URL is unset: token endpoints in /.well-known/oauth-authorization-server follow the Host header and the issuer is "hcs"; set it to the external https URL',
    );
  }
  const defaults = createServiceRegistrations({ auth });
  const procedures = createProcedureTable({
    contract,
    services: options.services ? options.services(defaults) : defaults,
    interceptors: createChain({
      logger,
      authenticate: auth.authenticate,
      onDenied: auth.recordDenial,
    }),
  });

  const grpc = createGrpcServer({ contract, procedures, logger });
  if (config.redisUrl !== undefined) {
    const reportRedis = () =>
      grpc.health.setDependency('redis', shared.status().backend === 'redis' ? 'SERVING' : 'NOT_SERVING');
    reportRedis();
    shared.onStatusChange(reportRedis);
  }
  const transcoder = createTranscoder({
    contract,
    procedures,
    logger,
    bodyLimitBytes: config.httpBodyLimitBytes,
    oauthMethods: OAUTH_ENDPOINT_METHODS,
  });
  const http = createHttpServer({
    logger,
    transcoder,
    openApi: createOpenApiDocument({
      contract,
      routes: transcoder.routes,
      version: HCS_VERSION,
      oauthMethods: OAUTH_ENDPOINT_METHODS,
    }),
    wellKnown: {
      jwks: () => auth.accessTokens.publicJwks(),
      authorizationServer: (host) => auth.serverMetadata(host),
    },
    corsOrigins: config.corsOrigins,
    readiness: async () => [
      {
        name: 'grpc',
        ok: grpc.health.get('') === 'SERVING',
        detail: grpc.health.get('').toLowerCase(),
      },
      // Ready on memory too: every primitive keeps working while Redis is away.
      { name: 'cache', ok: true, detail: formatBackendStatus(shared.status()) },
      await databaseReadiness(database),
    ],
  });

  return {
    async start() {
      database = await openDatabase(config, logger);
      await auth.start();
      const grpcPort = await grpc.listen(config.host, config.grpcPort);
      const httpPort = await http.listen(config.host, config.httpPort);
      grpc.health.setAll('SERVING');
      logger.info(
        {
          grpcPort,
          httpPort,
          host: config.host,
          methods: procedures.procedures.length,
          implemented: procedures.procedures.filter((p) => p.implemented).length,
        },
        'hcs is serving',
      );
      return { grpcPort, httpPort };
    },
    async close() {
      logger.info({ drainMs: config.shutdownTimeoutMs }, 'shutting down: draining in-flight calls');
      http.drain();
      const [drained] = await Promise.all([
        grpc.close(config.shutdownTimeoutMs),
        http.close(config.shutdownTimeoutMs),
      ]);
      await auth.close();
      await shared.close();
      await database?.close();
      logger.info({ drained }, 'hcs stopped');
    },
  };
}

/**
 * Runs an app as a process: start it, serve until SIGTERM or SIGINT, then close it gracefully.
 * A second signal exits at once. Resolves to the process exit code: 0 after a clean stop,
 * 1 when the app could not start.
 */
export async function runUntilSignal(app: App, logger: Logger): Promise<number> {
  try {
    await app.start();
  } catch (error) {
    logger.fatal({ err: error }, 'hcs could not start');
    await app.close().catch(() => undefined);
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'signal received');
  const forceExit = () => process.exit(1);
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
  await app.close();
  return 0;
}

/**
 * Connects the database and brings its schema to this build: refuses a database newer than
 * the code, applies pending migrations when allowed (see `Config.autoMigrate`), and refuses to
 * run on pending migrations otherwise, naming the command that applies them.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  const database = await createDatabase({ config, logger, entities: ENTITIES });
  try {
    await database.checkSchemaNotNewer();
    const { pending } = await database.migrate.status();
    const autoMigrate = config.autoMigrate ?? dialectOf(config) === 'sqlite';
    if (pending.length > 0 && !autoMigrate) {
      throw new AppError(
        Code.FAILED_PRECONDITION,
        'DATABASE_MIGRATIONS_PENDING',
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

async function databaseReadiness(database: Database | undefined) {
  if (database === undefined) return { name: 'database', ok: false, detail: 'not connected' };
  const ok = await database.isReady();
  return { name: 'database', ok, detail: ok ? database.dialect : `${database.dialect} unreachable` };
}
