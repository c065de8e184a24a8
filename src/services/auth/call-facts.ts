import type { AuditLog, AuditRecord } from '../../platform/db/index.ts';

/** What the auth service needs to know about the call it serves, for throttling and auditing. */
export interface CallFacts {
  /** Fully-qualified method, e.g. `hcs.v1.AuthService.CreateToken`. */
  action: string;
  /** The caller's subject, or `anonymous`. */
  actor: string;
  /** The client's address without the port. */
  clientAddress: string;
  requestId: string;
  userAgent: string;
}

/** Facts for work that no call started (the CLI, the bootstrap at start). */
export function localCallFacts(action: string, actor = 'local'): CallFacts {
  return { action, actor, clientAddress: 'local', requestId: '', userAgent: 'hcs' };
}

/** Writes a SECURITY audit entry for `facts`, with the rest of the entry from `entry`. */
export function auditSecurity(
  audit: AuditLog,
  facts: CallFacts,
  entry: Omit<AuditRecord, 'category' | 'action' | 'actor' | 'clientAddress' | 'requestId' | 'userAgent'> & {
    actor?: string;
  },
): Promise<void> {
  return audit.record({
    category: 'security',
    action: facts.action,
    clientAddress: facts.clientAddress,
    requestId: facts.requestId,
    userAgent: facts.userAgent,
    ...entry,
    actor: entry.actor ?? facts.actor,
  });
}
