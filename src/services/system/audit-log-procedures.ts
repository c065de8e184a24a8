import type { EntityManager } from '@mikro-orm/core';
import type { SystemServiceService } from '../../gen/hcs/v1/system.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import {
  auditCategoryFilter,
  auditEntryToMessage,
  auditOutcomeFilter,
  listAuditEntries,
} from '../common/index.ts';

/** The audit log RPC of SystemService. */
export type AuditLogProcedures = Pick<ServiceImplementation<typeof SystemServiceService>, 'listAuditEntries'>;

/** ListAuditEntries over the platform's audit table: every service's entries, newest first. */
export function auditLogProcedures(em: () => EntityManager): AuditLogProcedures {
  return {
    async listAuditEntries(request) {
      const page = await listAuditEntries(em, {
        pageSize: request.pageSize,
        pageToken: request.pageToken,
        actor: request.actor,
        action: request.action,
        category: auditCategoryFilter(request.category),
        outcome: auditOutcomeFilter(request.outcome),
        target: request.target,
        startTime: request.startTime,
        endTime: request.endTime,
      });
      return { auditEntries: page.entries.map(auditEntryToMessage), nextPageToken: page.nextPageToken };
    },
  };
}
