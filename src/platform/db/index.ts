export {
  AUDIT_CATEGORIES,
  AUDIT_COLUMN_LENGTHS,
  AUDIT_OUTCOMES,
  type AuditEntry,
  AuditEntrySchema,
} from './audit-entry.entity.ts';
export { type AuditLog, type AuditLogOptions, type AuditRecord, createAuditLog } from './audit-log.ts';
export {
  type CreateDatabaseOptions,
  createDatabase,
  type Database,
  type MigrationStatus,
  type Migrations,
} from './create-database.ts';
export { fromOrmError, translateOrmError } from './from-orm-error.ts';
export { loadMigrations } from './load-migrations.ts';
export { type NativeInsert, nativeInsertOf } from './native-insert.ts';
export { type OpenDatabaseOptions, openDatabase } from './open-database.ts';
export {
  createOrmOptions,
  type Dialect,
  dialectOf,
  loadBoundDriver,
  MIGRATIONS_DIR,
  type OrmOptions,
  type OrmOptionsInput,
  PLATFORM_ENTITIES,
  POSTGRES_POOL_MAX,
  sqlitePathOf,
} from './orm-options.ts';
export { DbReason } from './reasons.ts';
export { createUlid, ulidPrimaryKey } from './ulid.ts';
