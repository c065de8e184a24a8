import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import {
  AuditCategory,
  type AuditEntry as AuditEntryMessage,
  AuditOutcome,
} from '../../gen/hcs/v1/common.ts';
import { AUDIT_COLUMN_LENGTHS, type AuditEntry, AuditEntrySchema } from '../../platform/db/index.ts';
import { invalidField } from '../../platform/errors/index.ts';
import { findKeysetPage, type KeysetOrder, ListReason } from './keyset-page.ts';

/** The filters of an audit log listing; empty strings and undefined mean "any". */
export interface AuditEntryQuery {
  pageSize: number;
  pageToken: string;
  actor: string;
  /** Prefix of the action. */
  action: string;
  category: AuditEntry['category'] | undefined;
  outcome: AuditEntry['outcome'] | undefined;
  target: string;
  /** Inclusive lower bound of the entry's time. */
  startTime: Date | undefined;
  /** Exclusive upper bound of the entry's time. */
  endTime: Date | undefined;
}

/** `page_size` of an audit listing left at 0. */
export const DEFAULT_AUDIT_PAGE_SIZE = 100;

const AUDIT_ORDER: KeysetOrder<AuditEntry> = {
  key: 'id',
  direction: 'desc',
  cursorPrefix: 'a1:',
  keyPattern: /^[0-9A-Z]{26}$/,
  defaultPageSize: DEFAULT_AUDIT_PAGE_SIZE,
};

const OUTCOMES: Record<AuditEntry['outcome'], AuditOutcome> = {
  success: AuditOutcome.AUDIT_OUTCOME_SUCCESS,
  denied: AuditOutcome.AUDIT_OUTCOME_DENIED,
  failure: AuditOutcome.AUDIT_OUTCOME_FAILURE,
};

const CATEGORIES: Record<AuditEntry['category'], AuditCategory> = {
  security: AuditCategory.AUDIT_CATEGORY_SECURITY,
  registry: AuditCategory.AUDIT_CATEGORY_REGISTRY,
  devices: AuditCategory.AUDIT_CATEGORY_DEVICES,
  analytics: AuditCategory.AUDIT_CATEGORY_ANALYTICS,
  system: AuditCategory.AUDIT_CATEGORY_SYSTEM,
};

/**
 * The entries of the audit log, newest first, filtered and paged by keyset. INVALID_ARGUMENT
 * `INVALID_LIST_OPTION` naming the field for a filter no entry could match by construction
 * (longer than its column, or a time range that ends before it starts), so a typo is
 * reported instead of answered with an empty page.
 */
export async function listAuditEntries(
  em: () => EntityManager,
  query: AuditEntryQuery,
): Promise<{ entries: AuditEntry[]; nextPageToken: string }> {
  assertAuditQuery(query);
  const where: FilterQuery<AuditEntry> = {};
  if (query.category !== undefined) where.category = query.category;
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
  const page = await findKeysetPage(em(), AuditEntrySchema, where, AUDIT_ORDER, query);
  return { entries: page.rows, nextPageToken: page.nextPageToken };
}

function assertAuditQuery(query: AuditEntryQuery): void {
  const bounded = [
    ['actor', query.actor, AUDIT_COLUMN_LENGTHS.actor],
    ['action', query.action, AUDIT_COLUMN_LENGTHS.action],
    ['target', query.target, AUDIT_COLUMN_LENGTHS.target],
  ] as const;
  for (const [field, value, max] of bounded) {
    if (value.length > max) {
      throw invalidField(ListReason.INVALID_LIST_OPTION, field, `${field} is longer than ${max} characters`);
    }
  }
  if (query.startTime !== undefined && query.endTime !== undefined && query.endTime < query.startTime) {
    throw invalidField(ListReason.INVALID_LIST_OPTION, 'end_time', 'end_time is before start_time');
  }
}

/** The proto `AuditEntry` of a row. */
export function auditEntryToMessage(entry: AuditEntry): AuditEntryMessage {
  return {
    name: `auditEntries/${entry.id}`,
    eventTime: entry.time,
    actor: entry.actor,
    action: entry.action,
    category: CATEGORIES[entry.category],
    target: entry.target,
    outcome: OUTCOMES[entry.outcome],
    status: { code: entry.statusCode, message: entry.statusMessage, details: [] },
    clientAddress: entry.clientAddress,
    requestId: entry.requestId,
    userAgent: entry.userAgent,
    details: { ...entry.details },
  };
}

/**
 * The row value of a proto outcome filter: undefined for UNSPECIFIED (any), INVALID_ARGUMENT
 * naming `outcome` for a number the enum does not define.
 */
export function auditOutcomeFilter(outcome: AuditOutcome): AuditEntry['outcome'] | undefined {
  return enumFilter(OUTCOMES, outcome, 'outcome');
}

/** Like {@link auditOutcomeFilter}, for the category. */
export function auditCategoryFilter(category: AuditCategory): AuditEntry['category'] | undefined {
  return enumFilter(CATEGORIES, category, 'category');
}

function enumFilter<K extends string>(table: Record<K, number>, value: number, field: string): K | undefined {
  if (value === 0) return undefined;
  const found = Object.entries(table).find(([, number]) => number === value)?.[0];
  if (found === undefined) {
    throw invalidField(ListReason.INVALID_LIST_OPTION, field, `${field} ${value} is not a known value`);
  }
  return found as K;
}
