import type { EntitySchema } from '@mikro-orm/core';
import { PLATFORM_ENTITIES } from '../platform/db/index.ts';
import { analyticsService } from './analytics/index.ts';
import { authService } from './auth/index.ts';
import type { ServiceModule } from './common/index.ts';
import { deviceService } from './devices/index.ts';
import { registryService } from './registry/index.ts';
import { systemService } from './system/index.ts';

/**
 * Every service hcs serves, in the order they start; they close in the reverse order. Auth is
 * first: the others' calls are authenticated by it. Analytics starts before devices and closes
 * after them, so it records the first readings devices take and the last (a reading handed on
 * while no recorder is attached is lost). Adding a service is one line here; its procedures,
 * routes and tables reach the transports, the ORM, the migrations and the CLI from this list.
 */
export const SERVICE_MODULES: readonly ServiceModule[] = [
  authService,
  registryService,
  analyticsService,
  deviceService,
  systemService,
];

/** Every entity of `modules` and the platform's own: what the ORM maps and the migrations create. */
export function entitiesOf(modules: readonly ServiceModule[] = SERVICE_MODULES): readonly EntitySchema[] {
  return [...PLATFORM_ENTITIES, ...modules.flatMap((module) => module.entities)];
}

/** Every entity hcs maps: the one list `mikro-orm.config.ts`, the CLI and the migration generator use. */
export const ENTITIES: readonly EntitySchema[] = entitiesOf();

export type {
  Authentication,
  ServiceDependencies,
  ServiceInstance,
  ServiceModule,
} from './common/index.ts';
export { createReadingHandOff, defineServiceModule, replaceProcedures } from './common/index.ts';
