import { type Config, HCS_VERSION } from './platform/config/index.ts';
import type { Database } from './platform/db/index.ts';
import { createPlatform, type Platform } from './platform/index.ts';
import type { Logger } from './platform/log/index.ts';
import { formatBackendStatus } from './platform/redis/index.ts';
import type { Authentication, ServiceInstance, ServiceModule } from './services/index.ts';
import { createReadingHandOff, entitiesOf, SERVICE_MODULES } from './services/index.ts';
import {
  createHttpServer,
  createOpenApiDocument,
  createTranscoder,
  type HttpRoute,
} from './transport/gateway/index.ts';
import { createGrpcServer } from './transport/grpc/index.ts';
import {
  assertEveryMethodHasPolicy,
  createChain,
  createProcedureTable,
  defineService,
  loadContract,
} from './transport/rpc/index.ts';

/** Options of {@link createApp}. */
export interface AppOptions {
  config: Config;
  logger: Logger;
  /**
   * The services served, each with its procedures, tables, routes and background work.
   * Default every hcs service (`SERVICE_MODULES`); tests and benchmarks add or replace some.
   */
  services?: readonly ServiceModule[];
  /**
   * An open database of `config` for the app to use and close, instead of opening its own at
   * start (`hcs serve` opened it to read the stored settings). Default: opened by `start()`.
   */
  database?: Database;
  /** HTTP routes served next to the built-in ones and the services'; a conflict throws. Default none. */
  httpRoutes?: readonly HttpRoute[];
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
  const modules = options.services ?? SERVICE_MODULES;
  const platform = createPlatform({
    config: options.config,
    logger: options.logger,
    entities: entitiesOf(modules),
    ...(options.database ? { database: options.database } : {}),
  });
  try {
    return assembleApp(options, modules, platform);
  } catch (error) {
    // Redis may already be connecting: let the process exit instead of hanging on it.
    void platform.close();
    throw error;
  }
}

function assembleApp(options: AppOptions, modules: readonly ServiceModule[], platform: Platform): App {
  const { config, logger } = options;
  const contract = loadContract();
  assertEveryMethodHasPolicy(contract);
  // Devices hand numeric readings to analytics in this process: the node that takes one records it.
  const readings = createReadingHandOff();
  const services = modules.map((module) => module.create({ ...platform, readings }));
  const authentication = authenticationOf(services);
  // One chain: the procedures and the service routes that need a policy run through it.
  const interceptors = createChain({
    logger,
    authenticate: authentication?.authenticate,
    onDenied: authentication?.onDenied,
  });
  const procedures = createProcedureTable({
    contract,
    services: modules.map((module, index) =>
      defineService(module.definition, services[index]?.procedures ?? {}),
    ),
    interceptors,
  });

  const grpc = createGrpcServer({ contract, procedures, logger, maxMessageBytes: config.httpBodyLimitBytes });
  if (config.redisUrl !== undefined) {
    const reportRedis = () =>
      grpc.health.setDependency(
        'redis',
        platform.shared.status().backend === 'redis' ? 'SERVING' : 'NOT_SERVING',
      );
    reportRedis();
    platform.shared.onStatusChange(reportRedis);
  }
  const transcoder = createTranscoder({
    contract,
    procedures,
    logger,
    bodyLimitBytes: config.httpBodyLimitBytes,
    rawBodyLimitBytes: config.httpRawBodyLimitBytes,
  });
  const httpRoutes = [...services.flatMap((service) => service.routes ?? []), ...(options.httpRoutes ?? [])];
  const http = createHttpServer({
    logger,
    transcoder,
    // Built on its first request: most servers never serve it, and it costs memory and start time.
    openApi: () =>
      createOpenApiDocument({
        contract,
        routes: transcoder.routes,
        version: HCS_VERSION,
        httpRoutes,
      }),
    corsOrigins: config.corsOrigins,
    // What a refused upload may still send and be dropped before its connection is closed.
    unreadBodyLimitBytes: config.httpBodyLimitBytes,
    routes: httpRoutes,
    interceptors,
    readiness: async () => [
      {
        name: 'grpc',
        ok: grpc.health.get('') === 'SERVING',
        detail: grpc.health.get('').toLowerCase(),
      },
      // Ready on memory too: every primitive keeps working while Redis is away.
      { name: 'cache', ok: true, detail: formatBackendStatus(platform.shared.status()) },
      await databaseReadiness(platform),
    ],
  });

  return {
    async start() {
      await platform.open();
      for (const service of services) await service.start?.();
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
      for (const service of [...services].reverse()) await service.close?.();
      await platform.close();
      logger.info({ drained }, 'hcs stopped');
    },
  };
}

/**
 * The credential check of the one service that provides it. Without one (a test serving
 * other services alone), calls are anonymous; two would be ambiguous, so that refuses to start.
 */
function authenticationOf(services: readonly ServiceInstance[]): Authentication | undefined {
  const found = services.flatMap((service) => (service.authentication ? [service.authentication] : []));
  if (found.length > 1) throw new Error('more than one service provides authentication');
  return found[0];
}

async function databaseReadiness(platform: Platform) {
  const database = platform.database();
  if (database === undefined) return { name: 'database', ok: false, detail: 'not connected' };
  const ok = await database.isReady();
  return { name: 'database', ok, detail: ok ? database.dialect : `${database.dialect} unreachable` };
}
