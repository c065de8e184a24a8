import { AppError, Code, listSome } from '../../platform/errors/index.ts';
import { oauthError } from './oauth-error.ts';

/** Every scope hcs knows: read and write per service. `*` stands for all of them. */
export const KNOWN_SCOPES = [
  'auth:read',
  'auth:write',
  'registry:read',
  'registry:write',
  'registry:proxy',
  'devices:read',
  'devices:write',
  'analytics:read',
  'analytics:write',
  'system:read',
  'system:write',
] as const;

/** The scope that grants every scope. */
export const ALL_SCOPES = '*';

const KNOWN: ReadonlySet<string> = new Set([...KNOWN_SCOPES, ALL_SCOPES]);

/**
 * The scopes of an RFC 6749 §3.3 `scope` parameter (space-delimited), sorted and without
 * duplicates; empty when the parameter is. Throws INVALID_ARGUMENT `INVALID_SCOPE`
 * (`invalid_scope`) naming the scopes hcs does not know.
 */
export function parseScopeParameter(scope: string): string[] {
  const scopes = [...new Set(scope.split(' ').filter((item) => item !== ''))].sort();
  assertKnownScopes(scopes, 'scope');
  return scopes;
}

/** Most scope entries a request may list: every known scope, and room for repeats. */
export const MAX_SCOPE_ENTRIES = 64;

/**
 * Throws INVALID_ARGUMENT `INVALID_SCOPE` (`invalid_scope`) when a scope is not one hcs knows,
 * or more than {@link MAX_SCOPE_ENTRIES} are listed (refused before any other work).
 */
export function assertKnownScopes(scopes: readonly string[], field: string): void {
  if (scopes.length > MAX_SCOPE_ENTRIES) {
    throw oauthError('invalid_scope', `at most ${MAX_SCOPE_ENTRIES} scopes may be given`, { field });
  }
  const unknown = scopes.filter((item) => !KNOWN.has(item));
  if (unknown.length > 0) {
    throw oauthError(
      'invalid_scope',
      `unknown scope(s) ${listSome(unknown.map((item) => JSON.stringify(item.slice(0, 64))))}; known scopes are ${KNOWN_SCOPES.join(', ')} and *`,
      { field },
    );
  }
}

/**
 * Whether every scope of `requested` is granted by `granted` (`*` grants all), so a refresh can
 * only narrow what the original grant gave.
 */
export function isScopeSubset(requested: readonly string[], granted: readonly string[]): boolean {
  if (granted.includes(ALL_SCOPES)) return true;
  return requested.every((item) => item !== ALL_SCOPES && granted.includes(item));
}

/** Throws INVALID_ARGUMENT unless every scope is known and not `*` mixed with others. */
export function assertScopeList(scopes: readonly string[], field: string): string[] {
  assertKnownScopes(scopes, field);
  const sorted = [...new Set(scopes)].sort();
  if (sorted.includes(ALL_SCOPES) && sorted.length > 1) {
    throw new AppError(
      Code.INVALID_ARGUMENT,
      'INVALID_SCOPE',
      '"*" already grants every scope; give it alone',
      {
        fieldViolations: [{ field, description: '"*" already grants every scope; give it alone' }],
      },
    );
  }
  return sorted;
}
