import { RegistryServiceService } from '../../gen/hcs/v1/registry.ts';
import { dialectOf } from '../../platform/db/index.ts';
import {
  audited,
  defineServiceModule,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceModule,
} from '../common/index.ts';
import { createChangeLog } from './change-log.ts';
import { REGISTRY_ENTITIES } from './entities.ts';
import { createHealthChecker } from './health-checker.ts';
import {
  createProxyRoutes,
  type OutlierEjectionOptions,
  type ProxyUpstreamSource,
} from './http-proxy/index.ts';
import { instanceProcedures } from './instance-procedures.ts';
import { createInstanceQueries } from './instance-queries.ts';
import { createInstances } from './instances.ts';
import { createLeaseSweeper } from './lease-sweeper.ts';
import { createRegistryView } from './registry-view.ts';
import { createResolver, type Resolver } from './resolver.ts';
import { serviceProcedures } from './service-procedures.ts';
import { createWatchFanout } from './watch-fanout.ts';
import { watchProcedures } from './watch-procedures.ts';

/** The registry service as it runs, with the lookup the HTTP proxy uses per request. */
export interface RegistryService extends ServiceInstance<typeof RegistryServiceService> {
  /** See {@link Resolver.healthyHttpEndpoints}. */
  readonly healthyHttpEndpoints: Resolver['healthyHttpEndpoints'];
  /**
   * The watch streams open on this replica, each holding one subscription to the watch fan-out: a stream whose caller went away (gRPC cancel, an HTTP client closing its NDJSON or SSE
   * response) no longer counts.
   */
  openWatches(): number;
}

/** Options of the registry service that are not configuration: tests set them. */
export interface RegistryServiceOptions {
  /** Where the HTTP proxy finds instances. Default: this registry's own healthy HTTP endpoints. */
  proxyUpstreams?: ProxyUpstreamSource;
  /** The proxy's passive ejection. Default: see {@link OutlierEjectionOptions}. */
  proxyEjection?: OutlierEjectionOptions;
}

/**
 * Builds `hcs.v1.RegistryService`: instances under leases with owners, the change history and
 * every replica's in-process view of it (watch, resolve), the lease sweeper, the active health
 * checks, and the HTTP proxy's routes to healthy instances. Connects to nothing until `start`.
 */
export function createRegistryService(
  deps: ServiceDependencies,
  options: RegistryServiceOptions = {},
): RegistryService {
  const { config, em, bus, lock, logger, audit } = deps;
  const settings = config.registry;
  const changeLog = createChangeLog({ em, dialect: dialectOf(config), keep: settings.watchHistory });
  const view = createRegistryView({ em, changeLog, bus, logger, pollIntervalMs: settings.sweepIntervalMs });
  const fanout = createWatchFanout(view);
  const instances = createInstances({ em, changeLog, view, config: settings });
  const queries = createInstanceQueries({ em, view });
  const resolver = createResolver(view);
  const sweeper = createLeaseSweeper({ em, changeLog, view, logger, config: settings });
  const checker = createHealthChecker({
    view,
    changeLog,
    lock,
    logger,
    tickMs: Math.min(250, settings.minIntervalMs),
  });
  const proxy = createProxyRoutes({
    config,
    upstreams: options.proxyUpstreams ?? resolver,
    ...(options.proxyEjection === undefined ? {} : { ejection: options.proxyEjection }),
  });
  const instanceRpcs = instanceProcedures(instances, queries);
  const registry = {
    category: 'registry' as const,
    targetOf: (request: unknown) => {
      const { name, parent, instanceId } = request as { name?: string; parent?: string; instanceId?: string };
      return name ?? `${parent ?? ''}/instances/${instanceId ?? ''}`;
    },
  };

  return {
    procedures: {
      ...instanceRpcs,
      // Renewals are heartbeats: auditing each would drown the log.
      registerInstance: audited(audit, registry, instanceRpcs.registerInstance),
      deregisterInstance: audited(audit, registry, instanceRpcs.deregisterInstance),
      setInstanceHealth: audited(audit, registry, instanceRpcs.setInstanceHealth),
      ...serviceProcedures(queries, resolver),
      ...watchProcedures(view, fanout, changeLog, settings.minIntervalMs),
    },
    routes: proxy.routes,
    healthyHttpEndpoints: resolver.healthyHttpEndpoints,
    openWatches: () => fanout.watcherCount(),
    async start() {
      await view.start();
      await sweeper.start();
      checker.start();
    },
    async close() {
      await checker.close();
      await sweeper.close();
      await view.close();
      proxy.close();
    },
  };
}

/** The registry service module with options that are not configuration (tests). */
export function registryServiceWith(options: RegistryServiceOptions): ServiceModule {
  return defineServiceModule({
    name: 'registry',
    definition: RegistryServiceService,
    entities: REGISTRY_ENTITIES,
    create: (deps) => createRegistryService(deps, options),
  });
}

/** `hcs.v1.RegistryService` as `hcs serve` runs it. */
export const registryService: ServiceModule = registryServiceWith({});
