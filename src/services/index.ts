import type { EntitySchema } from '@mikro-orm/core';
import { AnalyticsServiceService } from '../gen/hcs/v1/analytics.ts';
import { AuthServiceService } from '../gen/hcs/v1/auth.ts';
import { DeviceServiceService } from '../gen/hcs/v1/devices.ts';
import { RegistryServiceService } from '../gen/hcs/v1/registry.ts';
import { SystemServiceService } from '../gen/hcs/v1/system.ts';
import { PLATFORM_ENTITIES } from '../platform/db/index.ts';
import { defineService, type ServiceRegistration } from '../transport/rpc/index.ts';
import { AUTH_ENTITIES, type Auth } from './auth/index.ts';

/**
 * Every entity hcs maps: the platform's and the services'. The one list the app, the CLI,
 * `mikro-orm.config.ts` and the migration generator use, so none of them can drift.
 */
export const ENTITIES: readonly EntitySchema[] = [...PLATFORM_ENTITIES, ...AUTH_ENTITIES];

/** What the services need from the composition root. Each absent part leaves its methods unimplemented. */
export interface ServiceDependencies {
  auth?: Auth;
}

/**
 * Every hcs service with the methods implemented so far. A method left out here is still
 * served: it passes the policy guard, then answers UNIMPLEMENTED naming itself.
 */
export function createServiceRegistrations(dependencies: ServiceDependencies = {}): ServiceRegistration[] {
  return [
    defineService(AuthServiceService, dependencies.auth?.procedures ?? {}),
    defineService(RegistryServiceService, {}),
    defineService(DeviceServiceService, {}),
    defineService(AnalyticsServiceService, {}),
    defineService(SystemServiceService, {}),
  ];
}
