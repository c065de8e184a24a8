import type { CallContext } from '../../transport/rpc/index.ts';

/** What a service needs to know about the call it serves, for auditing and throttling. */
export interface CallFacts {
  /** Fully-qualified method, e.g. `hcs.v1.AuthService.CreateToken`. */
  action: string;
  /** The caller's subject (`users/alice`, `apiKeys/ci`), or `anonymous`. */
  actor: string;
  /** The client's address without the port. */
  clientAddress: string;
  requestId: string;
  userAgent: string;
}

/** The facts of a call, from its context. */
export function callFactsOf(ctx: CallContext): CallFacts {
  return {
    action: `${ctx.procedure.service}.${ctx.procedure.method}`,
    actor: ctx.principal.subject,
    clientAddress: clientAddressOf(ctx.peer),
    requestId: ctx.requestId,
    userAgent: ctx.requestHeaders.get('user-agent') ?? '',
  };
}

/** Facts for work that no call started (the CLI, the bootstrap at start). */
export function localCallFacts(action: string, actor = 'local'): CallFacts {
  return { action, actor, clientAddress: 'local', requestId: '', userAgent: 'hcs' };
}

/** The address part of a peer (`1.2.3.4:5678`, `[::1]:5678`, `::1:5678` → without the port). */
export function clientAddressOf(peer: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(peer);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const withPort = /^(.*):\d+$/.exec(peer);
  return withPort?.[1] ?? peer;
}
