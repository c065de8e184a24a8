import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from '../log/index.ts';
import { type AUDIT_CATEGORIES, type AUDIT_OUTCOMES, AuditEntrySchema } from './audit-entry.entity.ts';

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
   */
  record(entry: AuditRecord): Promise<void>;
}

/** Options of {@link createAuditLog}. */
export interface AuditLogOptions {
  /** A fresh EntityManager fork per entry. */
  em: () => EntityManager;
  logger: Logger;
}

const MAX_USER_AGENT = 256;

/** Creates the audit writer over the `audit_entry` table. */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { em, logger } = options;
  return {
    async record(entry) {
      const row = {
        actor: entry.actor,
        action: entry.action,
        category: entry.category,
        outcome: entry.outcome,
        target: entry.target ?? '',
        statusCode: entry.statusCode ?? 0,
        statusMessage: entry.statusMessage ?? '',
        clientAddress: entry.clientAddress ?? '',
        requestId: entry.requestId ?? '',
        userAgent: (entry.userAgent ?? '').slice(0, MAX_USER_AGENT),
        details: entry.details ?? {},
      };
      logger.info({ audit: row }, `audit: ${row.action} by ${row.actor}: ${row.outcome}`);
      try {
        const manager = em();
        await manager.persist(manager.create(AuditEntrySchema, row)).flush();
      } catch (error) {
        logger.error({ err: error, audit: row }, 'the audit entry could not be stored');
      }
    },
  };
}
