import type { EntitySchema } from '@mikro-orm/core';
import { ChunkSchema } from './chunk.entity.ts';
import { SeriesSchema } from './series.entity.ts';

/** The tables of the analytics service. */
export const ANALYTICS_ENTITIES: readonly EntitySchema[] = [SeriesSchema, ChunkSchema];
