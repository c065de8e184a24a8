import type { EntityManager } from '@mikro-orm/core';
import type { AuditEntry } from '../../platform/db/index.ts';
import { type AuditEntryQuery, listAuditEntries } from '../common/index.ts';

/** The filters of ListSecurityEvents; empty strings and undefined mean "any". */
export type SecurityEventQuery = Omit<AuditEntryQuery, 'category'>;

/** The SECURITY entries of the audit log, newest first, filtered and paged. */
export function listSecurityEvents(
  em: () => EntityManager,
  query: SecurityEventQuery,
): Promise<{ entries: AuditEntry[]; nextPageToken: string }> {
  return listAuditEntries(em, { ...query, category: 'security' });
}
