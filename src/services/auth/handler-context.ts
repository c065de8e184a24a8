import { AppError, Code } from '../../platform/errors/index.ts';
import type { CallContext } from '../../transport/rpc/index.ts';
import type { CallFacts } from './call-facts.ts';
import { AuthReason } from './errors.ts';
import { clientAddressOf } from './login-throttle.ts';

/** A unary procedure of the auth service as the RPC layer calls it. */
export type UnaryProcedure<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;

/** The audit and throttling facts of a call. */
export function callFactsOf(ctx: CallContext): CallFacts {
  return {
    action: `${ctx.procedure.service}.${ctx.procedure.method}`,
    actor: ctx.principal.subject,
    clientAddress: clientAddressOf(ctx.peer),
    requestId: ctx.requestId,
    userAgent: ctx.requestHeaders.get('user-agent') ?? '',
  };
}

/** The username of a caller signed in with an access token; FAILED_PRECONDITION `NOT_A_USER` otherwise. */
export function callerUsername(ctx: CallContext): string {
  const { subject, credential } = ctx.principal;
  if (credential !== 'access_token' || !subject.startsWith('users/')) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      AuthReason.NOT_A_USER,
      'only a user signed in with an access token has a password; this call used an API key',
    );
  }
  return subject.slice('users/'.length);
}
