import { AuthServiceService } from '../../gen/hcs/v1/auth.ts';
import { HCS_VERSION } from '../../platform/config/index.ts';
import { dialectOf } from '../../platform/db/index.ts';
import { createWellKnownRoutes } from '../../transport/gateway/index.ts';
import {
  auditCall,
  audited,
  callFactsOf,
  defineServiceModule,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceModule,
} from '../common/index.ts';
import { type AccessTokens, createAccessTokens } from './access-token.ts';
import { apiKeyProcedures } from './api-key-procedures.ts';
import { type ApiKeys, createApiKeys } from './api-keys.ts';
import { createAuthenticator } from './authenticator.ts';
import { ensureBootstrapAdmin } from './bootstrap-admin.ts';
import { AUTH_ENTITIES } from './entities.ts';
import { createGrants } from './grants.ts';
import { createLoginThrottle, type LoginThrottleStoreOptions } from './login-throttle.ts';
import { createPasswordHasher, type PasswordHasher } from './password-hash.ts';
import { createRevocation } from './revocation.ts';
import { securityEventProcedures } from './security-event-procedures.ts';
import { type ServerMetadata, serverMetadataOf } from './server-metadata.ts';
import { resolveSigningKey } from './signing-key.ts';
import { tokenProcedures } from './token-procedures.ts';
import { createTokenRevocations } from './token-revocations.ts';
import { userProcedures } from './user-procedures.ts';
import { createUsers, type Users } from './users.ts';

/** Options of the auth service that are not configuration: tests and benchmarks set them. */
export interface AuthServiceOptions {
  /** Default: scrypt with the production cost. */
  hasher?: PasswordHasher;
  /** Login throttling; default the policy's defaults. */
  throttle?: Omit<LoginThrottleStoreOptions, 'cache'>;
  /** Lifetime of access tokens. Default `HCS_ACCESS_TOKEN_TTL_MS`. */
  accessTokenTtlMs?: number;
}

/** The auth service as it runs, with the parts the CLI and the well-known documents use. */
export interface AuthService extends ServiceInstance<typeof AuthServiceService> {
  readonly authentication: NonNullable<ServiceInstance['authentication']>;
  readonly users: Users;
  readonly apiKeys: ApiKeys;
  readonly accessTokens: AccessTokens;
  /** `/.well-known/oauth-authorization-server` for a request to `host`. */
  serverMetadata(host: string | undefined): ServerMetadata;
}

/** The token issuer and audience when `HCS_PUBLIC_URL` is unset. */
export const DEFAULT_ISSUER = 'hcs';
/** The `aud` of every hcs access token. */
export const TOKEN_AUDIENCE = 'hcs';

/**
 * Builds the auth service: users, sign-in grants, access and refresh tokens, API keys,
 * revocation, the security log, and the authenticator every call goes through.
 * Reads (or generates once) the signing key; connects to nothing until `start`.
 */
export function createAuthService(deps: ServiceDependencies, options: AuthServiceOptions = {}): AuthService {
  const { config, em, cache, bus, lock, audit, logger } = deps;
  warnAboutRiskySettings(deps);
  const hasher = options.hasher ?? createPasswordHasher();
  const issuer = config.publicUrl?.replace(/\/+$/, '') ?? DEFAULT_ISSUER;
  const accessTokens = createAccessTokens({
    key: resolveSigningKey(
      { secretKey: config.secretKey, privateKeyFile: config.jwtPrivateKeyFile, dataDir: config.dataDir },
      logger,
    ),
    issuer,
    audience: TOKEN_AUDIENCE,
    ttlMs: options.accessTokenTtlMs ?? config.accessTokenTtlMs,
  });
  const revocations = createTokenRevocations({ em, bus });
  const revocation = createRevocation({ em, accessTokens, revocations, audit });
  const throttle = createLoginThrottle({ cache, lock, ...options.throttle });
  const users = createUsers({ em, hasher, sessions: revocation, throttle, lock });
  const apiKeys = createApiKeys({ em, audit, bus, bootstrapKeys: config.serviceApiKeys });
  const grants = createGrants({
    em,
    hasher,
    accessTokens,
    revocation,
    audit,
    throttle,
    refreshTtlMs: config.refreshTokenTtlMs,
  });
  const metadata = {
    issuer,
    publicUrl: config.publicUrl,
    publishesJwks: accessTokens.algorithm !== 'HS256',
    version: HCS_VERSION,
  };
  const userRpcs = userProcedures(users);
  const tokenRpcs = tokenProcedures({ grants, revocation, users, metadata });
  const security = { category: 'security' as const, targetOf: userTarget };

  return {
    procedures: {
      ...userRpcs,
      createUser: audited(audit, security, userRpcs.createUser),
      updateUser: audited(audit, security, userRpcs.updateUser),
      deleteUser: audited(audit, security, userRpcs.deleteUser),
      resetUserPassword: audited(audit, security, userRpcs.resetUserPassword),
      ...tokenRpcs,
      changePassword: audited(
        audit,
        { category: 'security', targetOf: (_request, ctx) => ctx.principal.subject },
        tokenRpcs.changePassword,
      ),
      ...apiKeyProcedures(apiKeys),
      ...securityEventProcedures(em),
    },
    // Other services verify hcs tokens with these, without calling hcs.
    routes: createWellKnownRoutes({
      jwks: () => accessTokens.publicJwks(),
      authorizationServer: (host) => serverMetadataOf(metadata, host),
    }),
    authentication: {
      authenticate: createAuthenticator({ accessTokens, revocations, apiKeys }),
      onDenied: (ctx, error) =>
        auditCall(audit, 'security', callFactsOf(ctx), {
          outcome: 'denied',
          statusCode: error.code,
          statusMessage: error.message,
          details: { reason: error.reason },
        }),
    },
    users,
    apiKeys,
    accessTokens,
    serverMetadata: (host) => serverMetadataOf(metadata, host),
    async start() {
      await Promise.all([revocations.start(), apiKeys.start()]);
      await ensureBootstrapAdmin({
        em,
        users,
        logger,
        username: config.adminUsername,
        password: config.adminPassword,
      });
    },
    async close() {
      await Promise.all([revocations.close(), apiKeys.close()]);
    },
  };
}

/** The auth service module with options that are not configuration (tests, benchmarks). */
export function authServiceWith(options: AuthServiceOptions): ServiceModule {
  return defineServiceModule({
    name: 'auth',
    definition: AuthServiceService,
    entities: AUTH_ENTITIES,
    create: (deps) => createAuthService(deps, options),
  });
}

/** `hcs.v1.AuthService` as `hcs serve` runs it. */
export const authService: ServiceModule = authServiceWith({});

// The resource a user RPC acts on, for its audit entry.
function userTarget(request: unknown): string {
  const { name, user } = request as { name?: string; user?: { name?: string; username?: string } };
  return name ?? (user?.name || (user?.username ? `users/${user.username}` : ''));
}

function warnAboutRiskySettings({ config, logger }: ServiceDependencies): void {
  if (
    dialectOf(config) === 'postgresql' &&
    config.secretKey === undefined &&
    config.jwtPrivateKeyFile === undefined
  ) {
    logger.warn(
      'HCS_SECRET_KEY is unset on a shared database: each replica signs with its own generated secret, so a token from one is refused by the others; set HCS_SECRET_KEY (the same on every replica)',
    );
  }
  if (config.env === 'production' && config.publicUrl === undefined) {
    logger.warn(
      'HCS_PUBLIC_URL is unset: token endpoints in /.well-known/oauth-authorization-server follow the Host header and the issuer is "hcs"; set it to the external https URL',
    );
  }
}
