import type { EntityManager } from '@mikro-orm/core';
import { truncateText } from '../errors/index.ts';
import type { Logger } from '../log/index.ts';
import {
  type AUDIT_CATEGORIES,
  AUDIT_COLUMN_LENGTHS,
  type AUDIT_OUTCOMES,
  AuditEntrySchema,
} from './audit-entry.entity.ts';
import { nativeInsertOf } from './native-insert.ts';
import { createUlid } from './ulid.ts';

/** Who did what to which resource, from where, with what result: one audit entry to write. */
export interface AuditRecord {
  /** Principal subject (`users/alice`, `apiKeys/ci`), or `anonymous`. */
  actor: string;
  /** Fully-qualified method, e.g. `hcs.v1.AuthService.CreateToken`. */
  action: string;
  category: (typeof AUDIT_CATEGORIES)[number];
  outcome: (typeof AUDIT_OUTCOMES)[number];
  target?: string;
  /** gRPC code of the answer; 0 for success. */
  statusCode?: number;
  statusMessage?: string;
  clientAddress?: string;
  requestId?: string;
  userAgent?: string;
  /** Flat facts; never a secret. */
  details?: Record<string, string>;
}

/** Appends to the audit table and the log. */
export interface AuditLog {
  /**
   * Writes one entry, and a log line with the same facts. A database failure is logged at
   * error level and does not fail the audited call: the log line still records the event.
   *
   * Text is fitted to what every dialect stores: a NUL becomes U+FFFD (PostgreSQL text cannot
   * hold it) and each value is cut to its column (see {@link AUDIT_COLUMN_LENGTHS}); the status
   * message and each detail to {@link MAX_FREE_TEXT} characters, at most {@link MAX_DETAILS}
   * details. A refused call is audited whatever the client sent.
   */
  record(entry: AuditRecord): Promise<void>;
  /**
   * Writes entries through `em` in one multi-row insert, inside the caller's transaction, and a
   * log line for each as {@link AuditLog.record} does; a database failure fails that transaction,
   * so the audit rows commit with the rows they describe or not at all. `time` is when the
   * audited event happened (default now).
   */
  recordIn(em: EntityManager, entries: readonly (AuditRecord & { time?: Date })[]): Promise<void>;
}

/** Options of {@link createAuditLog}. */
export interface AuditLogOptions {
  /** A fresh EntityManager fork per entry. */
  em: () => EntityManager;
  logger: Logger;
}

/** Most characters kept of the status message and of each detail value. */
const MAX_FREE_TEXT = 1024;
/** Most details kept per entry. */
const MAX_DETAILS = 32;

/** Client text as every dialect stores it: no NUL, at most `maxChars` characters. */
function storable(text: string, maxChars: number): string {
  return truncateText(text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text, maxChars);
}

/** Creates the audit writer over the `audit_entry` table. */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { em, logger } = options;

  function rowOf(entry: AuditRecord) {
    return {
      actor: storable(entry.actor, AUDIT_COLUMN_LENGTHS.actor),
      action: storable(entry.action, AUDIT_COLUMN_LENGTHS.action),
      category: entry.category,
      outcome: entry.outcome,
      target: storable(entry.target ?? '', AUDIT_COLUMN_LENGTHS.target),
      statusCode: entry.statusCode ?? 0,
      statusMessage: storable(entry.statusMessage ?? '', MAX_FREE_TEXT),
      clientAddress: storable(entry.clientAddress ?? '', AUDIT_COLUMN_LENGTHS.clientAddress),
      requestId: storable(entry.requestId ?? '', AUDIT_COLUMN_LENGTHS.requestId),
      userAgent: storable(entry.userAgent ?? '', AUDIT_COLUMN_LENGTHS.userAgent),
      details: Object.fromEntries(
        Object.entries(entry.details ?? {})
          .slice(0, MAX_DETAILS)
          .map(([key, value]) => [storable(key, 64), storable(value, MAX_FREE_TEXT)]),
      ),
    };
  }

  return {
    async record(entry) {
      const row = rowOf(entry);
      logger.info({ audit: row }, `audit: ${row.action} by ${row.actor}: ${row.outcome}`);
      try {
        const manager = em();
        await manager.persist(manager.create(AuditEntrySchema, row)).flush();
      } catch (error) {
        logger.error({ err: error, audit: row }, 'the audit entry could not be stored');
      }
    },

    async recordIn(manager, entries) {
      if (entries.length === 0) return;
      const rows = entries.map((entry) => {
        const row = rowOf(entry);
        logger.info({ audit: row }, `audit: ${row.action} by ${row.actor}: ${row.outcome}`);
        // A native insert runs no `onCreate`: the id and time are set here.
        return { id: createUlid(), time: entry.time ?? new Date(), ...row };
      });
      // On SQLite row by row on a prepared statement: the ORM's per-row work cost more than SQLite's.
      const insert = await nativeInsertOf(manager, AuditEntrySchema);
      if (insert === undefined) await manager.insertMany(AuditEntrySchema, rows);
      else for (const row of rows) insert(row);
    },
  };
}
