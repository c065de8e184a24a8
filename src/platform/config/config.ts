import type { Cidr } from '../net/index.ts';
import type { SettingVariable } from './setting-catalog.ts';

/**
 * Where a variable's value comes from, in increasing precedence: the built-in default, a value
 * stored through the settings API, the `.env` file, the process environment.
 */
export type SettingSource = 'default' | 'stored' | 'env_file' | 'environment';

/** One variable as this process read it. */
export interface SettingValue {
  /** The text in force, before conversion; undefined when the default applies. */
  text: string | undefined;
  source: SettingSource;
}

import type { UsbAllowListEntry } from './schema.ts';

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
  /** Lifetime of an access token (JWT). Default 15 minutes; 1 minute to 1 day. */
  accessTokenTtlMs: number;
  /**
   * Lifetime of a sign-in: its refresh tokens rotate, but none outlives the first grant by more
   * than this. Default 30 days; 5 minutes to 365 days.
   */
  refreshTokenTtlMs: number;
  /**
   * Largest request, in bytes, on either transport: a REST body (or NDJSON line, for client
   * streaming), larger is HTTP 413; and a gRPC message received or sent, larger is
   * RESOURCE_EXHAUSTED. One setting, so a request one transport takes the other takes too.
   * Default 4 MiB, gRPC's default largest message.
   */
  httpBodyLimitBytes: number;
  /**
   * Largest raw request body (a `google.api.HttpBody` upload, streamed to the method in chunks),
   * counted over the whole body; larger is HTTP 413. Default 1 GiB.
   */
  httpRawBodyLimitBytes: number;
  /** Origins allowed by CORS; `["*"]` allows any origin without credentials. */
  corsOrigins: string[];
  /** pino level. Default `info`. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How long shutdown waits for in-flight calls before cancelling them. Default 10 000 ms. */
  shutdownTimeoutMs: number;
  /**
   * The command allow-list file (YAML or JSON) of SystemService: absolute path, or relative to
   * the working directory. Unset (default): no command can run. Never inside the file sandbox
   * (`<dataDir>/files`), so the API cannot write it.
   */
  systemCommandsFile: string | undefined;
  /** Whether allow-listed commands may run while hcs runs as root. Default false. */
  systemCommandsAllowRoot: boolean;
  /** Most command runs at once in this process; more are RESOURCE_EXHAUSTED. Default 4, at most 256. */
  systemMaxConcurrentRuns: number;
  /** How long an ended command run is kept, with its output. Default 7 days, at most 400 days. */
  systemCommandRunRetentionMs: number;
  /**
   * How long the samples of a series that sets no retention of its own are kept. Default 30
   * days; from 1 hour to 100 years, the bounds of a series' own retention.
   */
  analyticsDefaultRetentionMs: number;
  /**
   * Whether `hcs serve` applies pending migrations at start. Default (undefined): yes on SQLite
   * (one box, one process), no on PostgreSQL, where an operator runs `hcs migrate up` once for
   * all replicas; hcs then refuses to start on a database with pending migrations.
   */
  autoMigrate: boolean | undefined;
  /**
   * The networks the registry's HTTP proxy may connect to: an instance's address outside them is
   * refused even when registered, so registering an instance cannot make hcs an open proxy.
   * Default loopback and private ranges (127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16,
   * ::1/128, fc00::/7); link-local (cloud metadata) is left out.
   */
  proxyAllowedNetworks: readonly Cidr[];
  /** How long the proxy waits for a TCP connection to an instance. Default 5 000 ms. */
  proxyConnectTimeoutMs: number;
  /**
   * How long the proxy waits, once the request is sent, for the instance's response headers.
   * Default 60 000 ms. The response body has no time limit (event streams may idle).
   */
  proxyResponseTimeoutMs: number;
  /** The file sandbox of SystemService. */
  systemFiles: SystemFilesConfig;
  /** Service registry timing. */
  registry: RegistryConfig;
  /**
   * Every `HCS_*` variable as read at load, with where it came from: what the settings API
   * reports as running, so it never reads the environment or `.env` again.
   */
  settings: Readonly<Record<SettingVariable, SettingValue>>;
  /**
   * Every variable of the environment the configuration was loaded from (the process
   * environment unless a caller passed another), copied and frozen at load: what
   * SystemService lists, so a later change to `process.env` (by a library, a test, anything)
   * never shows as the environment hcs runs with. The `.env` file is not part of it.
   */
  environment: Readonly<Record<string, string>>;
  /** The hardware adapters and device policy of DeviceService. */
  devices: DevicesConfig;
}

/** What DeviceService runs: adapters, raw-access allow-list, provisioned profiles, queue bound. */
export interface DevicesConfig {
  /**
   * Adapters started (`HCS_DEVICES_ADAPTERS`), from `simulated`, `hid`, `usb`, `serial`.
   * Default all four: the simulated bench (three instruments) works on a fresh start; an
   * adapter whose native library is missing reports itself unavailable with the reason.
   */
  adapters: string[];
  /**
   * vendor:product ids the HID and USB adapters may open (`HCS_DEVICES_ALLOW_LIST`). Default
   * none: such devices are discovered but never opened.
   */
  allowList: UsbAllowListEntry[];
  /**
   * Folder of device profile documents (`*.yaml`, `*.yml`, `*.json`) created or replaced at
   * start (`HCS_DEVICES_PROFILES_DIR`). Default unset: only built-in and API-made profiles.
   */
  profilesDir: string | undefined;
  /** Commands allowed to wait per device behind the running one (`HCS_DEVICES_QUEUE_DEPTH`). Default 32. */
  queueDepth: number;
  /**
   * How long a job that ended (SUCCEEDED, FAILED, CANCELLED) is kept before it is deleted
   * (`HCS_DEVICES_JOB_RETENTION_MS`). Default 7 days, at least 1 s.
   */
  jobRetentionMs: number;
  /**
   * Whether numeric readings (polled or returned by commands) are recorded as analytics samples
   * by the node that took them (`HCS_DEVICES_RECORD_READINGS`). Default true.
   */
  recordReadings: boolean;
}

/** Where the file sandbox lives and what it may do. */
export interface SystemFilesConfig {
  /** Absolute path of the sandbox root (`HCS_SYSTEM_FS_ROOT`). Default `<dataDir>/files`. */
  root: string;
  /** Whether files may be written, moved or deleted (`HCS_SYSTEM_FS_WRITE`). Default false. */
  writable: boolean;
  /** Most bytes the sandbox's files may hold together (`HCS_SYSTEM_FS_QUOTA_BYTES`). Default 1 GiB. */
  quotaBytes: number;
  /**
   * Free bytes a write must leave on the sandbox's file system, which the SQLite database
   * usually shares (`HCS_SYSTEM_FS_MIN_FREE_BYTES`). Default 256 MiB.
   */
  minFreeBytes: number;
}

/** Timing of the service registry; the minimums exist so tests can run with short leases. */
export interface RegistryConfig {
  /** How long an instance whose lease expired stays (unhealthy) before it is removed. Default 30 000 ms. */
  leaseGraceMs: number;
  /** Smallest `lease_ttl` accepted. Default 5 000 ms. */
  minLeaseTtlMs: number;
  /** Smallest active health check interval and watch progress interval accepted. Default 1 000 ms. */
  minIntervalMs: number;
  /** How often expired leases are looked for. Default 1 000 ms. */
  sweepIntervalMs: number;
  /** How many recent changes are kept for watchers resuming with a token. Default 10 000. */
  watchHistory: number;
}
