/** Reasons raised by the auth service. A client may branch on them; they never change. */
export const AuthReason = {
  /** A new password is shorter than the minimum length. */
  PASSWORD_TOO_SHORT: 'PASSWORD_TOO_SHORT',
  /** A new password is longer than the maximum length, which bounds the work of hashing it. */
  PASSWORD_TOO_LONG: 'PASSWORD_TOO_LONG',
  /** A stored password hash cannot be read: corrupted data or a bug, never the caller's fault. */
  PASSWORD_HASH_MALFORMED: 'PASSWORD_HASH_MALFORMED',
  /** The access token's `exp` (plus the allowed clock skew) has passed. */
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  /** The access token is malformed, badly signed, or for another issuer or audience. */
  TOKEN_INVALID: 'TOKEN_INVALID',
  /** A requested scope is not a valid RFC 6749 scope token. */
  INVALID_SCOPE: 'INVALID_SCOPE',
  /** A refresh token or API key does not have the hcs format, so it cannot be one we issued. */
  CREDENTIAL_MALFORMED: 'CREDENTIAL_MALFORMED',
  /** Too many failed logins for this user or address; retry after `retryDelayMs`. */
  LOGIN_THROTTLED: 'LOGIN_THROTTLED',
} as const;

/** One of the auth service's reasons. */
export type AuthReason = (typeof AuthReason)[keyof typeof AuthReason];
