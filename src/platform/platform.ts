import { mkdirSync } from 'node:fs';
import type { EntityManager, EntitySchema } from '@mikro-orm/core';
import type { Bus } from './bus/index.ts';
import type { Cache } from './cache/index.ts';
import type { Config } from './config/index.ts';
import { type AuditLog, createAuditLog, type Database, openDatabase } from './db/index.ts';
import { AppError, Code } from './errors/index.ts';
import type { Lock } from './lock/index.ts';
import type { Logger } from './log/index.ts';
import { createSharedState, type SharedState } from './redis/index.ts';

/** Options of {@link createPlatform}. */
export interface PlatformOptions {
  config: Config;
  logger: Logger;
  /** Every entity the database maps (the platform's and every service's). */
  entities: readonly EntitySchema[];
  /** An open database of `config` to use (and close) instead of opening one in `open()`. Default none. */
  database?: Database;
}

/**
 * The platform every service is built on, as one process shares it: the database (opened by
 * {@link Platform.open}), the audit log, and the shared cache, bus and lock (Redis when
 * configured, memory while it is away).
 */
export interface Platform {
  readonly config: Config;
  readonly logger: Logger;
  /** A fresh EntityManager fork per call; UNAVAILABLE `DATABASE_NOT_OPEN` until {@link open}. */
  readonly em: () => EntityManager;
  readonly audit: AuditLog;
  readonly cache: Cache;
  readonly bus: Bus;
  readonly lock: Lock;
  readonly shared: SharedState;
  /** The open database, or undefined before {@link open} and after {@link close}. */
  database(): Database | undefined;
  /** Opens the database and brings its schema to this build (see `openDatabase`). */
  open(): Promise<void>;
  /** Closes the shared state and the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Assembles the platform without connecting to the database yet; Redis, when configured,
 * starts connecting at once (and memory serves until it answers). Used by `hcs serve` and by
 * the CLI commands that work on the database, so both build services the same way.
 */
export function createPlatform(options: PlatformOptions): Platform {
  const { config, logger } = options;
  mkdirSync(config.dataDir, { recursive: true });
  const shared = createSharedState({ redisUrl: config.redisUrl, prefix: config.redisPrefix, logger });
  let database: Database | undefined = options.database;
  const em = () => {
    if (database === undefined)
      throw new AppError(Code.UNAVAILABLE, 'DATABASE_NOT_OPEN', 'the database is not open');
    return database.em();
  };
  return {
    config,
    logger,
    em,
    audit: createAuditLog({ em, logger }),
    cache: shared.cache,
    bus: shared.bus,
    lock: shared.lock,
    shared,
    database: () => database,
    async open() {
      database ??= await openDatabase({ config, logger, entities: options.entities });
    },
    async close() {
      await shared.close();
      const open = database;
      database = undefined;
      await open?.close();
    },
  };
}
