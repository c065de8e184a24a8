import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config/index.ts';
import {
  type AccessTokenGrant,
  authService,
  authServiceWith,
  createAccessTokens,
  createPasswordHasher,
  DEFAULT_ISSUER,
  type LoginThrottleOptions,
  resolveSigningKey,
  TOKEN_AUDIENCE,
} from '../../src/services/auth/index.ts';
import { replaceProcedures, SERVICE_MODULES, type ServiceModule } from '../../src/services/index.ts';
import type { HttpRoute } from '../../src/transport/gateway/index.ts';
import { captureLogs } from './log.ts';
import { removeTempDir, tempDir } from './process.ts';

/** An in-process app on free ports, with its log lines collected. */
export interface TestApp {
  readonly app: App;
  readonly grpcTarget: string;
  readonly httpBase: string;
  readonly logs: Record<string, unknown>[];
  /**
   * An access token for `users/admin` with the admin role and every scope, signed with the
   * app's own key (the secret it generated in its data dir), so it works even where a test
   * replaces CreateToken. Tests about signing in use {@link passwordGrant}.
   */
  adminToken(): Promise<string>;
  /** Signs a token with the app's own key, for any grant, issued at `now` (default the present). */
  mintToken(grant: AccessTokenGrant, options?: { now?: number; ttlMs?: number }): string;
  readonly dataDir: string;
  /** Creates API key `apiKeys/{id}` over REST as the admin; resolves to its secret. */
  createApiKey(id: string, grant: { roles: string[]; scopes: string[] }): Promise<string>;
  /** Closes the app and removes its data directory. */
  close(): Promise<void>;
}

/** The bootstrap administrator of every test app. */
export const TEST_ADMIN = { username: 'admin', password: 'test-admin-password' } as const;

/** The cheapest scrypt cost accepted: these tests are about the server, not about hashing. */
export const TEST_SCRYPT_COST = { cost: { N: 1024, r: 1, p: 1, keyLength: 16 } };

/** Signs in over the REST token endpoint; resolves to the token response JSON. */
export async function passwordGrant(
  httpBase: string,
  username: string,
  password: string,
  scope = '',
): Promise<{
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  token_type: string;
}> {
  const response = await fetch(`${httpBase}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username, password, ...(scope ? { scope } : {}) }),
  });
  const body = (await response.json()) as Awaited<ReturnType<typeof passwordGrant>>;
  if (response.status !== 200)
    throw new Error(`password grant for ${username}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Starts the real app in this process. `implementations` replaces or adds methods by gRPC path
 * (`/hcs.v1.SystemService/GetHostInfo`) on top of what the services implement.
 */
export async function startTestApp(
  options: {
    implementations?: Record<string, (input: never, ctx: never) => unknown>;
    env?: Record<string, string>;
    /** Login throttling; e.g. a high per-address allowance when every test client is 127.0.0.1. */
    throttle?: LoginThrottleOptions;
    /** Service modules served instead of the default module of the same name. */
    modules?: readonly ServiceModule[];
    /** HTTP routes served next to the built-in ones. */
    httpRoutes?: readonly HttpRoute[];
    /** Text of a `.env` file in the app's working directory. Default none. */
    dotEnv?: string;
    /**
     * Loads the configuration from this process's environment too (below the test defaults and
     * `env`), as `hcs serve` loads it from its own. Default false: only the test's variables.
     */
    inheritEnvironment?: boolean;
    /**
     * Level of the collected log. Default `debug`, so tests see every line; a benchmark passes
     * `info`, the product's default, as debug also logs every SQL statement with its values.
     */
    logLevel?: string;
  } = {},
): Promise<TestApp> {
  const { logger, lines: logs } = captureLogs(options.logLevel);
  const dataDir = tempDir('hcs-data-');
  const cwd = tempDir();
  if (options.dotEnv !== undefined) writeFileSync(join(cwd, '.env'), options.dotEnv);
  const config = loadConfig({
    cwd,
    env: {
      ...(options.inheritEnvironment === true ? process.env : {}),
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: dataDir,
      HCS_SHUTDOWN_TIMEOUT_MS: '3000',
      HCS_ADMIN_PASSWORD: TEST_ADMIN.password,
      ...options.env,
    },
  });
  const app = createApp({
    config,
    logger,
    services: replaceProcedures(
      SERVICE_MODULES.map(
        (module) =>
          options.modules?.find((replacement) => replacement.name === module.name) ??
          (module === authService
            ? authServiceWith({
                hasher: createPasswordHasher(TEST_SCRYPT_COST),
                ...(options.throttle === undefined ? {} : { throttle: options.throttle }),
              })
            : module),
      ),
      options.implementations ?? {},
    ),
    httpRoutes: options.httpRoutes ?? [],
  });
  const { grpcPort, httpPort } = await app.start();
  const httpBase = `http://127.0.0.1:${httpPort}`;
  let adminToken: string | undefined;
  const key = resolveSigningKey(
    { secretKey: config.secretKey, privateKeyFile: config.jwtPrivateKeyFile, dataDir: config.dataDir },
    logger,
  );
  const mintToken = (grant: AccessTokenGrant, options: { now?: number; ttlMs?: number } = {}) =>
    createAccessTokens({
      key,
      issuer: config.publicUrl ?? DEFAULT_ISSUER,
      audience: TOKEN_AUDIENCE,
      cacheEntries: 0,
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
      ...(options.now === undefined ? {} : { now: () => options.now as number }),
    }).sign(grant).token;
  const adminGrant = () => {
    adminToken ??= mintToken({ subject: 'users/admin', roles: ['admin'], scopes: ['*'] });
    return adminToken;
  };
  return {
    app,
    grpcTarget: `127.0.0.1:${grpcPort}`,
    httpBase,
    logs,
    dataDir,
    mintToken,
    async adminToken() {
      return adminGrant();
    },
    async createApiKey(id, grant) {
      const created = await fetch(`${httpBase}/api/v1/apiKeys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminGrant()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ apiKeyId: id, apiKey: grant }),
      });
      const body = (await created.json()) as { secret?: string };
      if (created.status !== 200)
        throw new Error(`creating API key ${id}: ${created.status} ${JSON.stringify(body)}`);
      return String(body.secret);
    },
    async close() {
      await app.close();
      removeTempDir(dataDir);
      removeTempDir(cwd);
    },
  };
}

/** The default (all fields empty) response message of a method, as its implementation would build it. */
export function emptyResponse(path: string): unknown {
  for (const module of SERVICE_MODULES) {
    for (const definition of Object.values(module.definition)) {
      if (definition.path === path) {
        const decode = (definition as unknown as { responseDeserialize(bytes: Buffer): unknown })
          .responseDeserialize;
        return decode(Buffer.alloc(0));
      }
    }
  }
  throw new Error(`no method ${path}`);
}
