import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { type AuditEntry, AuditEntrySchema, throwOrmError } from '../../platform/db/index.ts';
import { assertPage, pageTokenOf, valueFromPageToken } from './paging.ts';

/** The filters of ListSecurityEvents; empty strings and undefined mean "any". */
export interface SecurityEventQuery {
  pageSize: number;
  pageToken: string;
  actor: string;
  /** Prefix of the action. */
  action: string;
  outcome: AuditEntry['outcome'] | undefined;
  target: string;
  startTime: Date | undefined;
  endTime: Date | undefined;
}

/** `page_size` of ListSecurityEvents left at 0. */
export const DEFAULT_SECURITY_EVENT_PAGE_SIZE = 100;

/** The SECURITY entries of the audit log, newest first, filtered and paged. */
export async function listSecurityEvents(
  em: () => EntityManager,
  query: SecurityEventQuery,
): Promise<{ entries: AuditEntry[]; nextPageToken: string }> {
  const pageSize = assertPage(query.pageSize, DEFAULT_SECURITY_EVENT_PAGE_SIZE);
  const before =
    query.pageToken === '' ? undefined : valueFromPageToken(query.pageToken, 'a1:', /^[0-9A-Z]{26}$/);
  const where: FilterQuery<AuditEntry> = { category: 'security' };
  if (before !== undefined) where.id = { $lt: before };
  if (query.actor !== '') where.actor = query.actor;
  if (query.target !== '') where.target = query.target;
  if (query.outcome !== undefined) where.outcome = query.outcome;
  // A prefix match without LIKE, so `%` and `_` in the filter are plain characters.
  if (query.action !== '') where.action = { $gte: query.action, $lt: `${query.action}\u{10FFFF}` };
  if (query.startTime !== undefined || query.endTime !== undefined) {
    where.time = {
      ...(query.startTime === undefined ? {} : { $gte: query.startTime }),
      ...(query.endTime === undefined ? {} : { $lt: query.endTime }),
    };
  }
  const rows = await em()
    .find(AuditEntrySchema, where, { orderBy: { id: 'desc' }, limit: pageSize + 1 })
    .catch(throwOrmError);
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  const more = rows.length > pageSize && last !== undefined;
  return { entries: page, nextPageToken: more ? pageTokenOf('a1:', last.id) : '' };
}
