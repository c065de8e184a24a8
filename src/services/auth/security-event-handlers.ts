import type { EntityManager } from '@mikro-orm/core';
import type { ListSecurityEventsRequest, ListSecurityEventsResponse } from '../../gen/hcs/v1/auth.ts';
import {
  AuditCategory,
  type AuditEntry as AuditEntryMessage,
  AuditOutcome,
} from '../../gen/hcs/v1/common.ts';
import type { AuditEntry } from '../../platform/db/index.ts';
import type { CallContext } from '../../transport/rpc/index.ts';
import { listSecurityEvents } from './security-events.ts';

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

function outcomeFilter(outcome: AuditOutcome): AuditEntry['outcome'] | undefined {
  const found = Object.entries(OUTCOMES).find(([, value]) => value === outcome);
  return found?.[0] as AuditEntry['outcome'] | undefined;
}

/** ListSecurityEvents over the audit table. */
export function securityEventProcedures(em: () => EntityManager) {
  return {
    async listSecurityEvents(
      request: ListSecurityEventsRequest,
      _ctx: CallContext,
    ): Promise<ListSecurityEventsResponse> {
      const page = await listSecurityEvents(em, {
        pageSize: request.pageSize,
        pageToken: request.pageToken,
        actor: request.actor,
        action: request.action,
        outcome: outcomeFilter(request.outcome),
        target: request.target,
        startTime: request.startTime,
        endTime: request.endTime,
      });
      return { auditEntries: page.entries.map(auditEntryToMessage), nextPageToken: page.nextPageToken };
    },
  };
}
