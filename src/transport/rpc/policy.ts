/**
 * Who may call a method, as declared in the proto with `option (hcs.v1.policy)`.
 * Read once from the descriptors at start; see `contract.ts`.
 */
export interface Policy {
  /** Callable without credentials (token grant, revocation). */
  readonly public: boolean;
  /** The caller needs at least one of these roles; empty means any authenticated caller. */
  readonly roles: readonly string[];
  /** The caller needs every one of these scopes. */
  readonly scopes: readonly string[];
}

/** How the caller proved who it is. */
export type CredentialKind = 'none' | 'access_token' | 'api_key';

/** The authenticated caller of one call. */
export interface Principal {
  /** Stable id of the caller: a user name, an API key's name, or `anonymous`. */
  readonly subject: string;
  readonly roles: readonly string[];
  /** Granted scopes; `*` grants every scope. */
  readonly scopes: readonly string[];
  readonly credential: CredentialKind;
  /** The user's or key's display name, when known. */
  readonly displayName?: string;
  /** When the presented token was issued, or the API key created. */
  readonly issueTime?: Date;
  /** When the presented credential expires; undefined for a key without expiry. */
  readonly expireTime?: Date;
}

/** The caller of a public method, or of any method while authentication is not configured. */
export const ANONYMOUS: Principal = Object.freeze({
  subject: 'anonymous',
  roles: Object.freeze([]),
  scopes: Object.freeze([]),
  credential: 'none',
});

/** Why {@link authorize} refused a caller, or `undefined` when it admits it. */
export type Refusal =
  | { kind: 'unauthenticated' }
  | { kind: 'role'; needed: readonly string[] }
  | { kind: 'scope'; missing: string[] };

/**
 * Decides whether a principal satisfies a policy. Public methods admit everyone; otherwise the
 * caller must be authenticated, hold one of the policy's roles (if it names any) and every one
 * of its scopes (a `*` scope grants all).
 */
export function authorize(policy: Policy, principal: Principal): Refusal | undefined {
  if (policy.public) return undefined;
  if (principal.credential === 'none') return { kind: 'unauthenticated' };
  if (policy.roles.length > 0 && !holdsAny(principal.roles, policy.roles)) {
    return { kind: 'role', needed: policy.roles };
  }
  if (policy.scopes.length > 0 && !principal.scopes.includes('*')) {
    const missing = policy.scopes.filter((scope) => !principal.scopes.includes(scope));
    if (missing.length > 0) return { kind: 'scope', missing };
  }
  return undefined;
}

// A loop rather than `some` with a closure: this runs on every call.
function holdsAny(held: readonly string[], wanted: readonly string[]): boolean {
  for (const role of wanted) if (held.includes(role)) return true;
  return false;
}
