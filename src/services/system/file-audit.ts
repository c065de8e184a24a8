import type { AuditLog } from '../../platform/db/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { CallContext } from '../../transport/rpc/index.ts';
import { auditCall, callFactsOf } from '../common/index.ts';

/** What one file call leaves in the audit log besides who, what, when and the request id. */
export interface FileCallRecord {
  /** The sandbox path the call acted on (the source, for a move). */
  target: string;
  /** The call's arguments and, on success, facts about its result, as flat strings. */
  details: Record<string, string>;
}

/**
 * Writes the audit entry of one file call: `success`, or the error's code, message and reason
 * (`denied` for PERMISSION_DENIED, which is how an escape attempt is answered, `failure`
 * otherwise). Written before the answer leaves, so a client that saw it can find the entry.
 */
export function auditFileCall(
  audit: AuditLog,
  ctx: CallContext,
  record: FileCallRecord,
  error?: unknown,
): Promise<void> {
  const facts = callFactsOf(ctx);
  if (error === undefined) {
    return auditCall(audit, 'system', facts, {
      outcome: 'success',
      target: record.target,
      details: record.details,
    });
  }
  const appError = AppError.from(error);
  const denied = appError.code === Code.PERMISSION_DENIED || appError.code === Code.UNAUTHENTICATED;
  return auditCall(audit, 'system', facts, {
    outcome: denied ? 'denied' : 'failure',
    target: record.target,
    statusCode: appError.code,
    statusMessage: appError.message,
    details: { ...record.details, reason: appError.reason },
  });
}

/**
 * Wraps a unary file procedure: one audit entry per call, with `describe(request)` as its
 * arguments and `result(response)` added on success.
 */
export function auditedFileCall<Req, Res>(
  audit: AuditLog,
  describe: (request: Req) => FileCallRecord,
  procedure: (request: Req, ctx: CallContext) => Promise<Res>,
  result: (response: Res) => Record<string, string> = () => ({}),
): (request: Req, ctx: CallContext) => Promise<Res> {
  return async function auditedFileProcedure(request, ctx) {
    const record = describe(request);
    let response: Res;
    try {
      response = await procedure(request, ctx);
    } catch (error) {
      await auditFileCall(audit, ctx, record, error);
      throw error;
    }
    await auditFileCall(audit, ctx, { ...record, details: { ...record.details, ...result(response) } });
    return response;
  };
}
