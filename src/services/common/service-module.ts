import type { EntitySchema } from '@mikro-orm/core';
import type { AppError } from '../../platform/errors/index.ts';
import type { Platform } from '../../platform/index.ts';
import type { HttpRoute } from '../../transport/gateway/index.ts';
import type {
  Authenticator,
  CallContext,
  ServiceDefinition,
  ServiceImplementation,
} from '../../transport/rpc/index.ts';
import type { ReadingHandOff } from './reading-hand-off.ts';

/**
 * What every service is built from: the configuration and the platform, nothing else
 * (`em` is a fresh EntityManager fork per call; cache, bus and lock are shared by every
 * replica when Redis is configured; `shared` says whether Redis or memory serves them), and
 * the in-process hand-offs between services the composition root makes (`readings`: numeric
 * device readings, from devices to analytics).
 */
export type ServiceDependencies = Pick<
  Platform,
  'config' | 'logger' | 'em' | 'audit' | 'cache' | 'bus' | 'lock' | 'shared'
> & { readonly readings: ReadingHandOff };

/**
 * The credential check of every call. Exactly one service provides it (auth); the chain calls
 * it for every method of every service.
 */
export interface Authentication {
  readonly authenticate: Authenticator;
  /** Told about every PERMISSION_DENIED refusal of the chain, for the audit log; must not reject. */
  onDenied(ctx: CallContext, error: AppError): Promise<void>;
}

/** A service as it runs: what `create` returns. */
export interface ServiceInstance<S extends ServiceDefinition = ServiceDefinition> {
  /**
   * One procedure per implemented method, keyed like the generated service definition
   * (`createUser`), typed from it. A method left out is still served: it passes the policy
   * guard, then answers UNIMPLEMENTED naming itself.
   */
  readonly procedures: Partial<ServiceImplementation<S>>;
  /**
   * HTTP routes of the service beyond its transcoded RPCs (a proxy, raw downloads, documents
   * under `/.well-known/`); one on a built-in path refuses to start. Default none.
   */
  readonly routes?: readonly HttpRoute[];
  /** The credential check, from the one service that verifies credentials. Default none. */
  readonly authentication?: Authentication;
  /**
   * Background work begins here (lease sweepers, pollers, job runners, listening to other
   * replicas), after the database is open and before the ports are. Default nothing.
   */
  start?(): Promise<void>;
  /** Stops the background work; called after the transports drained, before the database closes. */
  close?(): Promise<void>;
}

/**
 * Everything hcs needs to serve one proto service, and the one thing a service folder exports
 * for the composition root: the list of modules in `services/index.ts` is the list of services
 * served, and of tables mapped and migrated.
 */
export interface ServiceModule<S extends ServiceDefinition = ServiceDefinition> {
  /** Short name, e.g. `auth`: the folder's name. */
  readonly name: string;
  /** The ts-proto grpc-js definition the procedures implement, e.g. `AuthServiceService`. */
  readonly definition: S;
  /** The service's tables; they reach the ORM, the migrations and the CLI through the module list. */
  readonly entities: readonly EntitySchema[];
  /**
   * Builds the service. Must not touch the database, the network or the file system: that is
   * `start`'s (so `hcs openapi` and tests can build every service cheaply).
   */
  create(dependencies: ServiceDependencies): ServiceInstance<S>;
}

/**
 * Declares a service module, type-checking its procedures against its generated definition.
 * The result is widened to `ServiceModule` so modules of different services form one list.
 */
export function defineServiceModule<S extends ServiceDefinition>(module: ServiceModule<S>): ServiceModule {
  return module as unknown as ServiceModule;
}

/**
 * `modules` with some procedures replaced or added, by gRPC path
 * (`/hcs.v1.SystemService/GetHostInfo`): how tests and benchmarks give a method a fixed or slow
 * answer while everything else runs as served.
 */
export function replaceProcedures(
  modules: readonly ServiceModule[],
  byPath: Readonly<Record<string, (input: never, ctx: never) => unknown>>,
): ServiceModule[] {
  return modules.map((module) => {
    const replaced = Object.entries(module.definition).filter(([, method]) => byPath[method.path]);
    if (replaced.length === 0) return module;
    return {
      ...module,
      create(dependencies) {
        const instance = module.create(dependencies);
        const procedures: Record<string, unknown> = { ...instance.procedures };
        for (const [key, method] of replaced) procedures[key] = byPath[method.path];
        return { ...instance, procedures: procedures as ServiceInstance['procedures'] };
      },
    };
  });
}
