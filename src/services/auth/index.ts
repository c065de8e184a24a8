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
export { type ApiKey, ApiKeySchema } from './api-key.entity.ts';
export { type ApiKeys, type ApiKeyView, createApiKeys, type NewApiKey } from './api-keys.ts';
export {
  type AuthService,
  type AuthServiceOptions,
  authService,
  authServiceWith,
  createAuthService,
  DEFAULT_ISSUER,
  TOKEN_AUDIENCE,
} from './auth-service.ts';
export { AUTH_ENTITIES } from './entities.ts';
export { createLoginThrottle, type LoginThrottle } from './login-throttle.ts';
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
export { AuthReason } from './reasons.ts';
export { KNOWN_SCOPES } from './scopes.ts';
export { GENERATED_SECRET_FILE, resolveSigningKey } from './signing-key.ts';
export { USER_ROLES, type User, type UserRole, UserSchema } from './user.entity.ts';
export {
  type UserProcedures,
  userNameOf,
  usernameFromUserName,
  userProcedures,
  userToMessage,
} from './user-procedures.ts';
export { assertUsername, USERNAME_PATTERN } from './user-rules.ts';
export { UPDATABLE_USER_FIELDS } from './user-update-mask.ts';
export {
  createUsers,
  DEFAULT_USER_PAGE_SIZE,
  MAX_USER_PAGE_SIZE,
  type NewUser,
  type UserChanges,
  type UserPage,
  type Users,
  type UsersOptions,
  type UserView,
  userToView,
} from './users.ts';
