import { AppError, Code, PlatformReason } from '../../../platform/errors/index.ts';
import type { CallContext } from '../context.ts';
import type { Interceptor } from '../interceptor.ts';
import { ANONYMOUS, authorize, type Principal, type Refusal } from '../policy.ts';

/** The credentials a caller presented, read from headers or metadata. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'access_token'; token: string }
  | { kind: 'api_key'; key: string };

/**
 * Turns presented credentials into a principal, or throws (or rejects with) UNAUTHENTICATED for
 * credentials that do not verify. Implemented by the auth service. It may answer synchronously
 * when it needs no I/O (a cached access token), which spares the call a promise.
 */
export type Authenticator = (credentials: Credentials, ctx: CallContext) => Principal | Promise<Principal>;

/** Options of {@link authInterceptor}. */
export interface AuthInterceptorOptions {
  /**
   * Verifies credentials. Undefined means authentication is not configured yet: every caller
   * is treated as the anonymous principal and no policy is enforced (the policy is still read,
   * and a method without one is refused at start).
   */
  authenticate?: Authenticator;
  /**
   * Told about every PERMISSION_DENIED refusal (an authenticated caller the policy does not
   * admit), for the audit log; awaited, so the record exists before the caller hears the
   * answer. It must not reject; the refusal is thrown after it.
   */
  onDenied?: (ctx: CallContext, error: AppError) => void | Promise<void>;
}

/** Reads the credentials of a call: `authorization: Bearer …` first, then `x-api-key`. */
export function readCredentials(ctx: CallContext): Credentials {
  const authorization = ctx.requestHeaders.get('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] === undefined) {
      throw new AppError(
        Code.UNAUTHENTICATED,
        PlatformReason.UNAUTHENTICATED,
        'the authorization header must be "Bearer <token>"',
      );
    }
    return { kind: 'access_token', token: match[1] };
  }
  const apiKey = ctx.requestHeaders.get('x-api-key');
  if (apiKey !== undefined && apiKey !== '') return { kind: 'api_key', key: apiKey };
  return { kind: 'none' };
}

/**
 * Enforces the method's `(hcs.v1.policy)`: public methods pass; others need credentials that
 * verify (UNAUTHENTICATED otherwise) and a principal the policy admits (PERMISSION_DENIED).
 */
export function authInterceptor(options: AuthInterceptorOptions = {}): Interceptor {
  const { authenticate, onDenied } = options;
  if (authenticate === undefined) {
    return (next) =>
      function admitEveryone(input, ctx) {
        ctx.principal = ANONYMOUS;
        return next(input, ctx);
      };
  }
  return (next) => {
    // Runs after the principal is known, synchronously when the authenticator answered so.
    function admit(principal: Principal, input: unknown, ctx: CallContext): Promise<unknown> {
      ctx.principal = principal;
      const refusal = authorize(ctx.procedure.policy, principal);
      return refusal === undefined ? next(input, ctx) : refuse(refusal, ctx);
    }
    // Not async (a cached token answers without a promise), so anything thrown is turned into
    // a rejection here, as every Invoke must settle.
    return function guard(input, ctx) {
      try {
        if (ctx.procedure.policy.public) {
          ctx.principal = ANONYMOUS;
          return next(input, ctx);
        }
        const credentials = readCredentials(ctx);
        if (credentials.kind === 'none') throw unauthenticated();
        const principal = authenticate(credentials, ctx);
        return isPromiseLike(principal)
          ? Promise.resolve(principal).then((verified) => admit(verified, input, ctx))
          : admit(principal, input, ctx);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  };

  async function refuse(refusal: Refusal, ctx: CallContext): Promise<never> {
    if (refusal.kind === 'unauthenticated') throw unauthenticated();
    const message =
      refusal.kind === 'role'
        ? `${ctx.procedure.path} needs one of the roles ${refusal.needed.join(', ')}`
        : `${ctx.procedure.path} needs the scopes ${refusal.missing.join(', ')}`;
    const denied = new AppError(Code.PERMISSION_DENIED, PlatformReason.PERMISSION_DENIED, message, {
      metadata: { method: ctx.procedure.path },
    });
    await onDenied?.(ctx, denied);
    throw denied;
  }
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as Partial<PromiseLike<T>>)?.then === 'function';
}

function unauthenticated(): AppError {
  return new AppError(
    Code.UNAUTHENTICATED,
    PlatformReason.UNAUTHENTICATED,
    'this method needs a bearer token or an API key',
  );
}
