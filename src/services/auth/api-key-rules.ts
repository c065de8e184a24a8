import { AppError, Code, invalidField as invalid, listSome } from '../../platform/errors/index.ts';
import type { NewApiKey } from './api-keys.ts';
import { AuthReason } from './reasons.ts';

/** The rule of an API key id, the `{api_key}` of `apiKeys/{api_key}` (AIP-122). */
export const API_KEY_ID_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Shortest lifetime a key may be created with. */
export const MIN_API_KEY_TTL_MS = 60_000;
/** Longest lifetime: a key that should never expire leaves the expiry unset. */
export const MAX_API_KEY_TTL_MS = 100 * 365 * 86_400_000;

/**
 * PERMISSION_DENIED `CREDENTIAL_WIDENING` when a new key would grant a scope its creator lacks,
 * or a role, unless the creator is an admin.
 */
export function assertNotWider(
  roles: readonly string[],
  scopes: readonly string[],
  caller: { roles: readonly string[]; scopes: readonly string[] },
): void {
  // An admin may hand out any role (it can create users with any role anyway); others only their own.
  const extraRoles = caller.roles.includes('admin')
    ? []
    : roles.filter((role) => !caller.roles.includes(role));
  const extraScopes = caller.scopes.includes('*')
    ? []
    : scopes.filter((scope) => !caller.scopes.includes(scope));
  if (extraRoles.length + extraScopes.length > 0) {
    throw new AppError(
      Code.PERMISSION_DENIED,
      AuthReason.CREDENTIAL_WIDENING,
      `a key cannot grant what the caller lacks: ${listSome([...extraRoles, ...extraScopes])}`,
    );
  }
}

/** The expiry of a new key from `expireTime` or `ttlMs`; INVALID_ARGUMENT `INVALID_EXPIRY` when out of range. */
export function expiryOf(input: NewApiKey, at: number): Date | undefined {
  if (input.expireTime !== undefined && input.ttlMs !== undefined) {
    throw invalid(AuthReason.INVALID_EXPIRY, 'api_key.ttl', 'give expire_time or ttl, not both');
  }
  if (input.ttlMs !== undefined) {
    if (!(input.ttlMs >= MIN_API_KEY_TTL_MS && input.ttlMs <= MAX_API_KEY_TTL_MS)) {
      throw invalid(AuthReason.INVALID_EXPIRY, 'api_key.ttl', 'ttl must be between 60s and 100 years');
    }
    return new Date(at + input.ttlMs);
  }
  const expireAt = input.expireTime?.getTime();
  if (expireAt !== undefined && !(expireAt > at && expireAt <= at + MAX_API_KEY_TTL_MS)) {
    throw invalid(
      AuthReason.INVALID_EXPIRY,
      'api_key.expire_time',
      'expire_time must be in the future and within 100 years',
    );
  }
  return input.expireTime;
}

/** Throws INVALID_ARGUMENT `INVALID_API_KEY_ID` on `field` unless `keyId` matches {@link API_KEY_ID_PATTERN}. */
export function assertKeyId(keyId: string, field: string): void {
  if (!API_KEY_ID_PATTERN.test(keyId)) {
    throw invalid(
      AuthReason.INVALID_API_KEY_ID,
      field,
      'an API key id is 1 to 63 lowercase letters, digits and "-", starting with a letter and not ending with "-"',
    );
  }
}
