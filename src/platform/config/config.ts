/** The validated configuration of one hcs process. Built once by {@link loadConfig}. */
export interface Config {
  /** `production` turns on the strict checks (e.g. a strong `HCS_SECRET_KEY` is required). */
  env: 'development' | 'production' | 'test';
  /** Address both listeners bind to. Default `0.0.0.0`. */
  host: string;
  /** gRPC listener port; 0 picks a free port (logged at start). Default 50051. */
  grpcPort: number;
  /** HTTP listener port; 0 picks a free port (logged at start). Default 8080. */
  httpPort: number;
  /** Absolute path of the data directory (SQLite file, generated secret, sandbox). Default `./data`. */
  dataDir: string;
  /** `postgres://…` for PostgreSQL; undefined means a SQLite file in {@link dataDir}. */
  databaseUrl: string | undefined;
  /** Redis for cache and bus; undefined means in-memory. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel hcs uses. Default `hcs:`. */
  redisPrefix: string;
  /** JWT signing secret; undefined means one is generated once and kept in the data dir. */
  secretKey: string | undefined;
  /**
   * PEM private key that signs access tokens instead of the secret (RSA → RS256, EC P-256 →
   * ES256); its public key is then served at `/.well-known/jwks.json`. Default unset.
   */
  jwtPrivateKeyFile: string | undefined;
  /**
   * The externally visible base URL (`https://edge-01.example.net`): the tokens' `iss` and the
   * base of the endpoints in the RFC 8414 metadata. Unset: `iss` is `hcs` and endpoints are
   * built from the request's Host header.
   */
  publicUrl: string | undefined;
  /** Name of the administrator created when no user exists. Default `admin`. */
  adminUsername: string;
  /** Password of that administrator; undefined means one is generated and printed once. */
  adminPassword: string | undefined;
  /** Bootstrap API keys granted the `service` role. Default none. */
  serviceApiKeys: string[];
  /**
   * Largest REST request body (or NDJSON line, for client streaming), in bytes; larger is
   * HTTP 413. Default 4 MiB, gRPC's default largest message.
   */
  httpBodyLimitBytes: number;
  /** Origins allowed by CORS; `["*"]` allows any origin without credentials. */
  corsOrigins: string[];
  /** pino level. Default `info`. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How long shutdown waits for in-flight calls before cancelling them. Default 10 000 ms. */
  shutdownTimeoutMs: number;
  /**
   * Whether `hcs serve` applies pending migrations at start. Default (undefined): yes on SQLite
   * (one box, one process), no on PostgreSQL, where an operator runs `hcs migrate up` once for
   * all replicas; hcs then refuses to start on a database with pending migrations.
   */
  autoMigrate: boolean | undefined;
}
