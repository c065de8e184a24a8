import type { AuditLog, AuditRecord } from '../../platform/db/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { CallContext } from '../../transport/rpc/index.ts';
import { type CallFacts, callFactsOf } from './call-facts.ts';

/** The audit category of a service's entries. */
export type AuditCategory = AuditRecord['category'];

/** The part of an audit entry the call's facts do not already say. */
export type AuditOutcomeRecord = Omit<
  AuditRecord,
  'category' | 'action' | 'actor' | 'clientAddress' | 'requestId' | 'userAgent'
> & { actor?: string };

/** The audit entry of `category` for the call `facts` describe. */
export function auditRecordOf(
  category: AuditCategory,
  facts: CallFacts,
  entry: AuditOutcomeRecord,
): AuditRecord {
  return {
    category,
    action: facts.action,
    clientAddress: facts.clientAddress,
    requestId: facts.requestId,
    userAgent: facts.userAgent,
    ...entry,
    actor: entry.actor ?? facts.actor,
  };
}

/** Writes an audit entry of `category` for the call `facts` describe. */
export function auditCall(
  audit: AuditLog,
  category: AuditCategory,
  facts: CallFacts,
  entry: AuditOutcomeRecord,
): Promise<void> {
  return audit.record(auditRecordOf(category, facts, entry));
}

/** Options of {@link audited}. */
export interface AuditedOptions<Req> {
  category: AuditCategory;
  /** Names the resource the call acts on, from the request; must not throw. */
  targetOf(request: Req, ctx: CallContext): string;
  /** Flat facts of the request worth keeping (its arguments, never a secret); must not throw. Default none. */
  detailsOf?(request: Req): Record<string, string>;
}

/**
 * Wraps a unary procedure so that each call leaves one audit entry: success, or the error's
 * code, message and reason (`denied` for UNAUTHENTICATED / PERMISSION_DENIED, `failure`
 * otherwise). The entry is written before the answer leaves, so a client that saw the answer
 * can find the entry.
 */
export function audited<Req, Res>(
  audit: AuditLog,
  options: AuditedOptions<Req>,
  procedure: (request: Req, ctx: CallContext) => Promise<Res>,
): (request: Req, ctx: CallContext) => Promise<Res> {
  return async function auditedProcedure(request, ctx) {
    try {
      const response = await procedure(request, ctx);
      await auditCall(audit, options.category, callFactsOf(ctx), {
        outcome: 'success',
        target: options.targetOf(request, ctx),
        details: options.detailsOf?.(request) ?? {},
      });
      return response;
    } catch (error) {
      await auditFailure(audit, options, request, ctx, error);
      throw error;
    }
  };
}

/**
 * Writes the entry of a call that failed with `error`: its code, message and reason, `denied`
 * for UNAUTHENTICATED / PERMISSION_DENIED and `failure` otherwise.
 */
export function auditFailure<Req>(
  audit: AuditLog,
  options: AuditedOptions<Req>,
  request: Req,
  ctx: CallContext,
  error: unknown,
): Promise<void> {
  const appError = AppError.from(error);
  const denied = appError.code === Code.UNAUTHENTICATED || appError.code === Code.PERMISSION_DENIED;
  return auditCall(audit, options.category, callFactsOf(ctx), {
    outcome: denied ? 'denied' : 'failure',
    target: options.targetOf(request, ctx),
    statusCode: appError.code,
    statusMessage: appError.message,
    details: { ...options.detailsOf?.(request), reason: appError.reason },
  });
}

/**
 * Like {@link audited}, for a server-streaming procedure: one entry when the stream opens (its
 * first message is out) or fails before that, so a watch is audited once, not per message.
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
            details: options.detailsOf?.(request) ?? {},
          });
        }
        yield message;
      }
    } catch (error) {
      if (!opened) await auditFailure(audit, options, request, ctx, error);
      throw error;
    }
  };
}
