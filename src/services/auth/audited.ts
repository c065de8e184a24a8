import type { AuditLog } from '../../platform/db/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { CallContext } from '../../transport/rpc/index.ts';
import { auditSecurity } from './call-facts.ts';
import { callFactsOf, type UnaryProcedure } from './handler-context.ts';

/**
 * Wraps a state-changing procedure so each call leaves a SECURITY audit entry: success, or
 * the error's code and message (`denied` for UNAUTHENTICATED / PERMISSION_DENIED, `failure`
 * otherwise). `targetOf` names the resource from the request; it must not throw.
 */
export function audited<Req, Res>(
  audit: AuditLog,
  targetOf: (request: Req, ctx: CallContext) => string,
  procedure: UnaryProcedure<Req, Res>,
): UnaryProcedure<Req, Res> {
  return async function auditedProcedure(request, ctx) {
    try {
      const response = await procedure(request, ctx);
      await auditSecurity(audit, callFactsOf(ctx), { outcome: 'success', target: targetOf(request, ctx) });
      return response;
    } catch (error) {
      const appError = AppError.from(error);
      const denied = appError.code === Code.UNAUTHENTICATED || appError.code === Code.PERMISSION_DENIED;
      await auditSecurity(audit, callFactsOf(ctx), {
        outcome: denied ? 'denied' : 'failure',
        target: targetOf(request, ctx),
        statusCode: appError.code,
        statusMessage: appError.message,
        details: { reason: appError.reason },
      });
      throw error;
    }
  };
}
