import type { z } from 'zod';
import { envSchema } from './schema.ts';

/** The name of one variable of {@link envSchema}, e.g. `HCS_LOG_LEVEL`. */
export type SettingVariable = keyof typeof envSchema.shape;

/** How a setting's text is read: the proto `ScalarType` of the settings API, lower case. */
export type SettingType = 'string' | 'integer' | 'boolean' | 'enum';

/** What the settings API says about one variable, next to the schema that validates it. */
export interface SettingInfo {
  /** What the setting controls, with its unit. */
  description: string;
  /** Its value is masked wherever it is shown (credentials, a URL that may carry a password). */
  secret?: boolean;
  /**
   * It may be changed through the settings API (a stored value, applied at the next start).
   * Never the database, the data directory, keys or secrets, listen addresses and ports, or a
   * security boundary (the command allow-list, file writes, the proxy's networks).
   */
  changeable?: boolean;
  type: 'string' | 'integer';
}

/**
 * Every `HCS_*` variable with its description, secrecy and whether the API may change it: one
 * entry per {@link envSchema} key (a key without one does not compile), so the schema, this
 * mark and the settings API cannot drift apart. Booleans and enumerations are recognised from
 * the schema itself ({@link settingTypeOf}, {@link allowedValuesOf}).
 */
export const SETTING_CATALOG: Readonly<Record<SettingVariable, SettingInfo>> = {
  HCS_ENV: { type: 'string', description: '`production` turns on the strict checks' },
  HCS_HOST: { type: 'string', description: 'address both listeners bind to' },
  HCS_GRPC_PORT: { type: 'integer', description: 'gRPC port; 0 picks a free port' },
  HCS_HTTP_PORT: { type: 'integer', description: 'HTTP port; 0 picks a free port' },
  HCS_DATA_DIR: {
    type: 'string',
    description: 'data directory: SQLite file, generated secret, file sandbox',
  },
  HCS_DATABASE_URL: {
    type: 'string',
    secret: true,
    description: 'PostgreSQL URL; unset: a SQLite file in the data directory',
  },
  HCS_REDIS_URL: {
    type: 'string',
    secret: true,
    description: 'Redis URL for cache and bus; unset: in-memory',
  },
  HCS_REDIS_PREFIX: { type: 'string', description: 'prefix of every Redis key and channel' },
  HCS_SECRET_KEY: {
    type: 'string',
    secret: true,
    description: 'HS256 token signing secret; unset: generated once into the data directory',
  },
  HCS_JWT_PRIVATE_KEY_FILE: {
    type: 'string',
    secret: true,
    description: 'PEM private key file signing tokens instead of the secret',
  },
  HCS_PUBLIC_URL: {
    type: 'string',
    description: "external base URL: the tokens' issuer and the metadata base",
  },
  HCS_ADMIN_USERNAME: { type: 'string', description: 'administrator created when no user exists' },
  HCS_ADMIN_PASSWORD: { type: 'string', secret: true, description: "that administrator's password" },
  HCS_SERVICE_API_KEYS: {
    type: 'string',
    secret: true,
    description: 'comma-separated bootstrap API keys with the service role',
  },
  HCS_ACCESS_TOKEN_TTL_MS: {
    type: 'integer',
    changeable: true,
    description: 'lifetime of an access token, in milliseconds (1 minute to 1 day)',
  },
  HCS_REFRESH_TOKEN_TTL_MS: {
    type: 'integer',
    changeable: true,
    description: 'lifetime of a sign-in and its refresh tokens, in milliseconds (5 minutes to 365 days)',
  },
  HCS_HTTP_BODY_LIMIT_BYTES: {
    type: 'integer',
    changeable: true,
    description: 'largest REST body or gRPC message, in bytes (at most 1 GiB)',
  },
  HCS_CORS_ORIGINS: {
    type: 'string',
    changeable: true,
    description: 'comma-separated allowed CORS origins; * allows any origin without credentials',
  },
  HCS_LOG_LEVEL: { type: 'string', changeable: true, description: 'least severe log level written' },
  HCS_SHUTDOWN_TIMEOUT_MS: {
    type: 'integer',
    changeable: true,
    description: 'on SIGTERM/SIGINT, how long in-flight calls may finish, in milliseconds',
  },
  HCS_PROXY_ALLOWED_NETWORKS: {
    type: 'string',
    description: 'comma-separated CIDRs the registry HTTP proxy may connect to',
  },
  HCS_PROXY_CONNECT_TIMEOUT_MS: {
    type: 'integer',
    changeable: true,
    description: 'how long the HTTP proxy waits for a connection to an instance, in milliseconds',
  },
  HCS_PROXY_RESPONSE_TIMEOUT_MS: {
    type: 'integer',
    changeable: true,
    description: "how long the HTTP proxy waits for an instance's response headers, in milliseconds",
  },
  HCS_SYSTEM_COMMANDS_FILE: {
    type: 'string',
    description: 'allow-list file of host commands; unset: none run',
  },
  HCS_SYSTEM_COMMANDS_ALLOW_ROOT: {
    type: 'string',
    description: 'let allow-listed commands run while hcs runs as root',
  },
  HCS_SYSTEM_MAX_CONCURRENT_RUNS: {
    type: 'integer',
    changeable: true,
    description: 'command runs at once per process (at most 256)',
  },
  HCS_SYSTEM_COMMAND_RUN_RETENTION_MS: {
    type: 'integer',
    changeable: true,
    description: 'how long an ended command run is kept, in milliseconds (at most 400 days)',
  },
  HCS_SYSTEM_FS_ROOT: { type: 'string', description: 'root of the file sandbox; unset: <data dir>/files' },
  HCS_SYSTEM_FS_WRITE: { type: 'string', description: 'whether files in the sandbox may be changed' },
  HCS_SYSTEM_FS_QUOTA_BYTES: {
    type: 'integer',
    changeable: true,
    description: "most bytes the sandbox's files may hold together",
  },
  HCS_SYSTEM_FS_MIN_FREE_BYTES: {
    type: 'integer',
    changeable: true,
    description: 'free bytes a sandbox write must leave on its file system',
  },
  HCS_HTTP_RAW_BODY_LIMIT_BYTES: {
    type: 'integer',
    changeable: true,
    description: 'largest raw REST upload, in bytes, counted over the whole body',
  },
  HCS_REGISTRY_LEASE_GRACE_MS: {
    type: 'integer',
    changeable: true,
    description: 'how long an instance whose lease expired stays before removal, in milliseconds',
  },
  HCS_REGISTRY_MIN_LEASE_TTL_MS: {
    type: 'integer',
    changeable: true,
    description: 'smallest lease_ttl accepted, in milliseconds',
  },
  HCS_REGISTRY_MIN_INTERVAL_MS: {
    type: 'integer',
    changeable: true,
    description: 'smallest health check and watch progress interval accepted, in milliseconds',
  },
  HCS_REGISTRY_SWEEP_INTERVAL_MS: {
    type: 'integer',
    changeable: true,
    description: 'how often expired leases are looked for, in milliseconds',
  },
  HCS_REGISTRY_WATCH_HISTORY: {
    type: 'integer',
    changeable: true,
    description: 'recent registry changes kept for watchers resuming with a token',
  },
  HCS_ANALYTICS_DEFAULT_RETENTION_MS: {
    type: 'integer',
    changeable: true,
    description: 'how long samples of a series without its own retention are kept, in milliseconds',
  },
  HCS_DEVICES_ADAPTERS: {
    type: 'string',
    description: 'device adapters started, from simulated, hid, usb and serial',
  },
  HCS_DEVICES_ALLOW_LIST: {
    type: 'string',
    description: 'vendor:product USB ids the HID and USB adapters may open (raw hardware access)',
  },
  HCS_DEVICES_PROFILES_DIR: {
    type: 'string',
    description: 'folder of device profile documents created or replaced at start',
  },
  HCS_DEVICES_QUEUE_DEPTH: {
    type: 'integer',
    changeable: true,
    description: 'commands that may wait per device behind the running one',
  },
  HCS_DEVICES_JOB_RETENTION_MS: {
    type: 'integer',
    changeable: true,
    description: 'how long a job that ended is kept before it is deleted, in milliseconds',
  },
  HCS_DEVICES_RECORD_READINGS: {
    type: 'string',
    description: 'record numeric device readings as analytics series (metric: the resource, label device)',
  },
  HCS_AUTO_MIGRATE: {
    type: 'string',
    description: 'apply pending migrations at start; unset: on SQLite only',
  },
};

/** The variables of {@link envSchema}, in documentation order. */
const VARIABLES = Object.keys(envSchema.shape) as SettingVariable[];

/** Whether `name` is a variable hcs reads. */
export function isSettingVariable(name: string): name is SettingVariable {
  return (VARIABLES as string[]).includes(name);
}

/** Whether the settings API may change the variable. */
export function isChangeableSetting(variable: SettingVariable): boolean {
  return SETTING_CATALOG[variable].changeable === true;
}

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  entries?: Record<string, string | number>;
  defaultValue?: unknown;
}

/** The schema's layers, outermost first (pipe → default → enum, …), as zod 4 describes them. */
function layersOf(variable: SettingVariable): SchemaDef[] {
  const layers: SchemaDef[] = [];
  let schema: z.ZodType | undefined = envSchema.shape[variable];
  while (schema !== undefined) {
    const def = schema.def as SchemaDef;
    layers.push(def);
    schema = def.innerType ?? def.in;
  }
  return layers;
}

/** The values an enumerated setting accepts, read from its schema; [] for any other. */
export function allowedValuesOf(variable: SettingVariable): string[] {
  const entries = layersOf(variable).find((def) => def.type === 'enum')?.entries;
  return entries === undefined ? [] : Object.values(entries).map(String);
}

/** How the setting's text is read: `true`/`false` enumerations are booleans. */
export function settingTypeOf(variable: SettingVariable): SettingType {
  const allowed = allowedValuesOf(variable);
  if (allowed.length === 2 && allowed.includes('true') && allowed.includes('false')) return 'boolean';
  if (allowed.length > 0) return 'enum';
  return SETTING_CATALOG[variable].type;
}

/**
 * Checks one setting's text with the schema `loadConfig` uses; resolves the message of the
 * first problem ("expected one of …, got …"), or undefined when the value is accepted.
 */
export function settingValueProblem(variable: SettingVariable, value: string): string | undefined {
  const result = envSchema.shape[variable].safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'invalid value');
}

/**
 * The built-in default of a setting in the variable's own text form (before conversion, so a
 * list of networks reads as the variable would); '' when it has none.
 */
export function settingDefaultOf(variable: SettingVariable): string {
  const value = layersOf(variable).find((def) => def.type === 'default')?.defaultValue;
  return value === undefined ? '' : String(value);
}
