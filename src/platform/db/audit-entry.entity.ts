import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ulidPrimaryKey } from './ulid.ts';

/** The areas of the system an audit entry concerns (proto `hcs.v1.AuditCategory`, lower case). */
export const AUDIT_CATEGORIES = ['security', 'registry', 'devices', 'analytics', 'system'] as const;
/** The result class of an audited call (proto `hcs.v1.AuditOutcome`, lower case). */
export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;

/**
 * The longest text each bounded column of `audit_entry` holds, in characters (the migrations
 * declare the same lengths). The audit writer fits values to them: PostgreSQL refuses longer ones.
 */
export const AUDIT_COLUMN_LENGTHS = {
  actor: 255,
  action: 255,
  target: 1024,
  clientAddress: 255,
  requestId: 128,
  userAgent: 256,
} as const;

/**
 * One immutable record of the platform audit log (`audit_entry`): every service appends its
 * security-relevant and state-changing calls here, and `ListAuditEntries` / `ListSecurityEvents`
 * read it. Entries are never updated; retention deletes old ones by `time`.
 *
 * `id` is a ULID made on creation, so ordering by id is ordering by time. `details` holds flat
 * string pairs and never secrets. Strings the API shows as empty (no target, no user agent) are
 * stored as `''`, not NULL, so filters need no NULL cases.
 */
export const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  properties: {
    id: ulidPrimaryKey(),
    /** When the audited call completed or was rejected, millisecond precision. */
    time: p
      .datetime(3)
      .index('audit_entry_time_index')
      .onCreate(() => new Date()),
    /** Principal subject, e.g. `users/alice`, `apiKeys/ci-runner`, or `anonymous`. */
    actor: p.string().length(AUDIT_COLUMN_LENGTHS.actor),
    /** Fully-qualified method name, e.g. `hcs.v1.DeviceService.ExecuteCommand`. */
    action: p.string().length(AUDIT_COLUMN_LENGTHS.action),
    category: p.enum(AUDIT_CATEGORIES),
    /** Resource name or sandbox-relative path; `''` when the call had no single target. */
    target: p.string().length(AUDIT_COLUMN_LENGTHS.target).default(''),
    outcome: p.enum(AUDIT_OUTCOMES),
    /** Final gRPC status code (0 = OK) and the message returned to the caller. */
    statusCode: p.integer().default(0),
    statusMessage: p.text().default(''),
    /** `ip:port` of the client (IPv6 in brackets). */
    clientAddress: p.string().length(AUDIT_COLUMN_LENGTHS.clientAddress).default(''),
    requestId: p.string().length(AUDIT_COLUMN_LENGTHS.requestId).default(''),
    /** Client's user agent, truncated by the writer. */
    userAgent: p.string().length(AUDIT_COLUMN_LENGTHS.userAgent).default(''),
    details: p.json<Record<string, string>>().default('{}'),
  },
  indexes: [{ name: 'audit_entry_category_time_index', properties: ['category', 'time'] }],
});

/** An audit entry as loaded from, or created for, the `audit_entry` table. */
export type AuditEntry = InferEntity<typeof AuditEntrySchema>;
