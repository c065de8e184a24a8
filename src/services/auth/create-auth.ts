import type { EntityManager } from '@mikro-orm/core';
import type { AuthServiceService } from '../../gen/hcs/v1/auth.ts';
import type { Bus } from '../../platform/bus/index.ts';
import type { Cache } from '../../platform/cache/index.ts';
import type { Config } from '../../platform/config/index.ts';
import type { AuditLog } from '../../platform/db/index.ts';
import type { AppError } from '../../platform/errors/index.ts';
import type { Lock } from '../../platform/lock/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import type { Authenticator, CallContext, ServiceImplementation } from '../../transport/rpc/index.ts';
import { type AccessTokens, createAccessTokens } from './access-token.ts';
import { apiKeyProcedures } from './api-key-handlers.ts';
import { type ApiKeys, createApiKeys } from './api-keys.ts';
import { audited } from './audited.ts';
import { createAuthenticator } from './authenticator.ts';
import { ensureBootstrapAdmin } from './bootstrap-admin.ts';
import { auditSecurity } from './call-facts.ts';
import { createGrants } from './grants.ts';
import { callFactsOf } from './handler-context.ts';
import { createLoginThrottle, type LoginThrottleStoreOptions } from './login-throttle.ts';
import { createPasswordHasher, type PasswordHasher } from './password-hash.ts';
import { createRevocation } from './revocation.ts';
import { securityEventProcedures } from './security-event-handlers.ts';
import { type ServerMetadata, serverMetadataOf } from './server-metadata.ts';
import { resolveSigningKey } from './signing-key.ts';
import { tokenProcedures } from './token-handlers.ts';
import { createTokenRevocations } from './token-revocations.ts';
import { userProcedures } from './user-handlers.ts';
import { createUsers, type Users } from './users.ts';

/** The settings of the auth service, from the `HCS_*` configuration. */
export interface AuthSettings {
  dataDir: string;
  secretKey: string | undefined;
  privateKeyFile: string | undefined;
  publicUrl: string | undefined;
  adminUsername: string;
  adminPassword: string | undefined;
  serviceApiKeys: readonly string[];
}

/** The auth settings of a validated configuration. */
export function authSettingsOf(config: Config): AuthSettings {
  return {
    dataDir: config.dataDir,
    secretKey: config.secretKey,
    privateKeyFile: config.jwtPrivateKeyFile,
    publicUrl: config.publicUrl,
    adminUsername: config.adminUsername,
    adminPassword: config.adminPassword,
    serviceApiKeys: config.serviceApiKeys,
  };
}

/** Options of {@link createAuth}. */
export interface AuthOptions {
  settings: AuthSettings;
  /** A fresh EntityManager fork per call. */
  em: () => EntityManager;
  /** The shared state's cache (login counters) and bus (revocations to other replicas). */
  cache: Cache;
  bus: Bus;
  /** The shared state's lock; default a lock of this process only. */
  lock?: Lock;
  audit: AuditLog;
  logger: Logger;
  version: string;
  /** Default: scrypt with the production cost. */
  hasher?: PasswordHasher;
  /** Login throttling; default the policy's defaults. */
  throttle?: Omit<LoginThrottleStoreOptions, 'cache'>;
  /** Lifetime of access tokens. Default 15 minutes. */
  accessTokenTtlMs?: number;
}

/** The auth service assembled: its procedures, the chain's authenticator and its lifecycle. */
export interface Auth {
  readonly authenticate: Authenticator;
  /** Every AuthService method, keyed like ts-proto's `AuthServiceService`. */
  readonly procedures: Partial<ServiceImplementation<typeof AuthServiceService>>;
  readonly users: Users;
  readonly apiKeys: ApiKeys;
  readonly accessTokens: AccessTokens;
  /** Audits a PERMISSION_DENIED refusal of the chain (its `onDenied` hook). */
  recordDenial(ctx: CallContext, error: AppError): Promise<void>;
  /** `/.well-known/oauth-authorization-server` for a request to `host`. */
  serverMetadata(host: string | undefined): ServerMetadata;
  /** Loads revocations, listens to other replicas, creates the first admin if there is no user. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The token issuer and audience when `HCS_PUBLIC_URL` is unset. */
export const DEFAULT_ISSUER = 'hcs';
/** The `aud` of every hcs access token. */
export const TOKEN_AUDIENCE = 'hcs';

/** Builds the auth service from its settings and the platform. */
export function createAuth(options: AuthOptions): Auth {
  const { settings, em, cache, bus, audit, logger } = options;
  const hasher = options.hasher ?? createPasswordHasher();
  const issuer = settings.publicUrl?.replace(/\/+$/, '') ?? DEFAULT_ISSUER;
  const accessTokens = createAccessTokens({
    key: resolveSigningKey(settings, logger),
    issuer,
    audience: TOKEN_AUDIENCE,
    ...(options.accessTokenTtlMs === undefined ? {} : { ttlMs: options.accessTokenTtlMs }),
  });
  const revocations = createTokenRevocations({ em, bus });
  const revocation = createRevocation({ em, accessTokens, revocations, audit });
  const throttle = createLoginThrottle({
    cache,
    ...(options.lock ? { lock: options.lock } : {}),
    ...options.throttle,
  });
  const users = createUsers({
    em,
    hasher,
    sessions: revocation,
    throttle,
    ...(options.lock ? { lock: options.lock } : {}),
  });
  const apiKeys = createApiKeys({ em, audit, bus, bootstrapKeys: settings.serviceApiKeys });
  const grants = createGrants({
    em,
    hasher,
    accessTokens,
    revocation,
    audit,
    throttle,
  });
  const metadata = {
    issuer,
    publicUrl: settings.publicUrl,
    publishesJwks: accessTokens.algorithm !== 'HS256',
    version: options.version,
  };
  const userRpcs = userProcedures(users);
  const tokenRpcs = tokenProcedures({ grants, revocation, users, metadata });
  const userTarget = (request: unknown): string => {
    const { name, user } = request as { name?: string; user?: { name?: string; username?: string } };
    return name ?? (user?.name || (user?.username ? `users/${user.username}` : ''));
  };

  return {
    authenticate: createAuthenticator({ accessTokens, revocations, apiKeys }),
    procedures: {
      ...userRpcs,
      createUser: audited(audit, userTarget, userRpcs.createUser),
      updateUser: audited(audit, userTarget, userRpcs.updateUser),
      deleteUser: audited(audit, userTarget, userRpcs.deleteUser),
      resetUserPassword: audited(audit, userTarget, userRpcs.resetUserPassword),
      ...tokenRpcs,
      changePassword: audited(audit, (_request, ctx) => ctx.principal.subject, tokenRpcs.changePassword),
      ...apiKeyProcedures(apiKeys),
      ...securityEventProcedures(em),
    },
    users,
    apiKeys,
    accessTokens,
    recordDenial: (ctx, error) =>
      auditSecurity(audit, callFactsOf(ctx), {
        outcome: 'denied',
        statusCode: error.code,
        statusMessage: error.message,
        details: { reason: error.reason },
      }),
    serverMetadata: (host) => serverMetadataOf(metadata, host),
    async start() {
      await Promise.all([revocations.start(), apiKeys.start()]);
      await ensureBootstrapAdmin({
        em,
        users,
        logger,
        username: settings.adminUsername,
        password: settings.adminPassword,
      });
    },
    async close() {
      await Promise.all([revocations.close(), apiKeys.close()]);
    },
  };
}
