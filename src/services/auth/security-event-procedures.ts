import type { EntityManager } from '@mikro-orm/core';
import type { AuthServiceService } from '../../gen/hcs/v1/auth.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { auditEntryToMessage, auditOutcomeFilter } from '../common/index.ts';
import { listSecurityEvents } from './security-events.ts';

/** The security-event RPCs of AuthService. */
export type SecurityEventProcedures = Pick<
  ServiceImplementation<typeof AuthServiceService>,
  'listSecurityEvents'
>;

/** ListSecurityEvents over the audit table. */
export function securityEventProcedures(em: () => EntityManager): SecurityEventProcedures {
  return {
    async listSecurityEvents(request) {
      const page = await listSecurityEvents(em, {
        pageSize: request.pageSize,
        pageToken: request.pageToken,
        actor: request.actor,
        action: request.action,
        outcome: auditOutcomeFilter(request.outcome),
        target: request.target,
        startTime: request.startTime,
        endTime: request.endTime,
      });
      return { auditEntries: page.entries.map(auditEntryToMessage), nextPageToken: page.nextPageToken };
    },
  };
}
