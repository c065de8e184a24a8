import type { EntitySchema } from '@mikro-orm/core';
import { ChangeSchema } from './change.entity.ts';
import { InstanceSchema } from './instance.entity.ts';

/** The tables of the registry service. */
export const REGISTRY_ENTITIES: readonly EntitySchema[] = [InstanceSchema, ChangeSchema];
