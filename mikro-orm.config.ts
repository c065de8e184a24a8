/**
 * MikroORM configuration built from the `HCS_*` environment (see src/platform/config), for
 * MikroORM tooling such as its CLI: unset `HCS_DATABASE_URL` is the SQLite file
 * `<HCS_DATA_DIR>/hcs.sqlite` (WAL, foreign keys on), `postgres://…` is PostgreSQL with a bounded
 * pool. hcs itself does not read this file: it calls `createDatabase` from src/platform/db.
 *
 * `entities` is the one list of every entity hcs maps (`ENTITIES` of src/services, which the
 * app and the CLI use too); migrations/create.ts and the migration-drift tests read it here.
 */
import type { EntitySchema } from '@mikro-orm/core';
import { migrations as postgresqlMigrations } from './migrations/postgresql/index.ts';
import { migrations as sqliteMigrations } from './migrations/sqlite/index.ts';
import { loadConfig } from './src/platform/config/index.ts';
import { createOrmOptions, dialectOf } from './src/platform/db/index.ts';
import { ENTITIES } from './src/services/index.ts';

/** Every entity hcs maps. */
export const entities: readonly EntitySchema[] = ENTITIES;

const config = loadConfig();

export default await createOrmOptions({
  config,
  entities,
  migrations: dialectOf(config) === 'postgresql' ? postgresqlMigrations : sqliteMigrations,
});
