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
  /** No user has the requested username. */
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  /** A user with the requested username already exists. */
  USER_ALREADY_EXISTS: 'USER_ALREADY_EXISTS',
  /** A username or a `users/{username}` resource name does not match `^[a-zA-Z0-9_.-]{1,64}$`. */
  INVALID_USERNAME: 'INVALID_USERNAME',
  /** A display name is longer than 128 characters. */
  INVALID_DISPLAY_NAME: 'INVALID_DISPLAY_NAME',
  /** A user's roles are empty or name a role that does not exist. */
  INVALID_ROLES: 'INVALID_ROLES',
  /** The change would leave no enabled user with the admin role, locking everyone out. */
  LAST_ADMIN: 'LAST_ADMIN',
  /** An `update_mask` names a field that does not exist or cannot be updated. */
  INVALID_UPDATE_MASK: 'INVALID_UPDATE_MASK',
  /** The current password given to ChangePassword is wrong. */
  INVALID_PASSWORD: 'INVALID_PASSWORD',
  /** ChangePassword was given the current password as the new one. */
  PASSWORD_UNCHANGED: 'PASSWORD_UNCHANGED',
  /** ChangePassword was called with an API key, which has no password. */
  NOT_A_USER: 'NOT_A_USER',
  /** The presented API key is malformed, unknown, expired or revoked. */
  API_KEY_INVALID: 'API_KEY_INVALID',
  /** No API key has the requested id. */
  API_KEY_NOT_FOUND: 'API_KEY_NOT_FOUND',
  /** An API key with the requested id already exists. */
  API_KEY_ALREADY_EXISTS: 'API_KEY_ALREADY_EXISTS',
  /** An API key id does not match `^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`. */
  INVALID_API_KEY_ID: 'INVALID_API_KEY_ID',
  /** An API key's expiry is in the past, too short, or given twice. */
  INVALID_EXPIRY: 'INVALID_EXPIRY',
  /** The access token was revoked (RevokeToken, a password change, or a revoked refresh token). */
  TOKEN_REVOKED: 'TOKEN_REVOKED',
  /** A new credential would grant a role or scope its creator does not hold. */
  CREDENTIAL_WIDENING: 'CREDENTIAL_WIDENING',
  /** Another change that may remove an admin held the admins lock for too long; retry. */
  USERS_BUSY: 'USERS_BUSY',
} as const;

/** One of the auth service's reasons. */
export type AuthReason = (typeof AuthReason)[keyof typeof AuthReason];
