import type { AuditLog } from '../../platform/db/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { CallContext } from '../../transport/rpc/index.ts';
import { type AuditedOptions, auditCall, callFactsOf } from '../common/index.ts';

/**
 * Like `audited`, for a server-streaming procedure: one entry when the stream opens (its first
 * message is out) or fails before that, so a watch is audited once, not per message.
 */
export function auditedStream<Req, Res>(
  audit: AuditLog,
  options: AuditedOptions<Req>,
  procedure: (request: Req, ctx: CallContext) => AsyncIterable<Res>,
): (request: Req, ctx: CallContext) => AsyncIterable<Res> {
  return async function* auditedStreamProcedure(request, ctx) {
    let opened = false;
    try {
      for await (const message of procedure(request, ctx)) {
        if (!opened) {
          opened = true;
          await auditCall(audit, options.category, callFactsOf(ctx), {
            outcome: 'success',
            target: options.targetOf(request, ctx),
          });
        }
        yield message;
      }
    } catch (error) {
      if (!opened) {
        const appError = AppError.from(error);
        const denied = appError.code === Code.UNAUTHENTICATED || appError.code === Code.PERMISSION_DENIED;
        await auditCall(audit, options.category, callFactsOf(ctx), {
          outcome: denied ? 'denied' : 'failure',
          target: options.targetOf(request, ctx),
          statusCode: appError.code,
          statusMessage: appError.message,
          details: { reason: appError.reason },
        });
      }
      throw error;
    }
  };
}
