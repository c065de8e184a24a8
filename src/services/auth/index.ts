export {
  type AccessTokenAlgorithm,
  type AccessTokenClaims,
  type AccessTokenGrant,
  type AccessTokenKey,
  type AccessTokenOptions,
  type AccessTokens,
  createAccessTokens,
  type IssuedAccessToken,
  type PublicJwk,
  type ValidAccessTokenOptions,
  validateAccessTokenOptions,
} from './access-token.ts';
export { AuthReason } from './errors.ts';
export {
  type GeneratedOpaqueSecret,
  generateOpaqueSecret,
  hashSecret,
  type OpaqueSecretKind,
  type ParsedOpaqueSecret,
  parseOpaqueSecret,
  verifySecret,
} from './opaque-secret.ts';
export {
  assertPasswordAcceptable,
  createPasswordHasher,
  DEFAULT_SCRYPT_COST,
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD_LENGTH,
  type PasswordHasher,
  type PasswordHasherOptions,
  type ScryptCost,
} from './password-hash.ts';
export {
  assertLoginAllowed,
  type LoginAttempt,
  type LoginFailures,
  type LoginThrottleOptions,
  loginDelayMs,
  loginRetryDelayMs,
  type ValidLoginThrottleOptions,
  validateLoginThrottleOptions,
} from './rate-limit-policy.ts';
export { USER_ROLES, type User, type UserRole, UserSchema } from './user.entity.ts';
export {
  type UserProcedures,
  userNameOf,
  usernameFromUserName,
  userProcedures,
  userToMessage,
} from './user-handlers.ts';
export {
  assertUsername,
  createUsers,
  DEFAULT_USER_PAGE_SIZE,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_USER_PAGE_SIZE,
  type NewUser,
  UPDATABLE_USER_FIELDS,
  USERNAME_PATTERN,
  type UserChanges,
  type UserPage,
  type Users,
  type UsersOptions,
  type UserView,
  userToView,
} from './users.ts';
