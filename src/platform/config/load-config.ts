import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseEnv } from 'node:util';
import type { Config, SettingSource, SettingValue } from './config.ts';
import { envSchema } from './schema.ts';
import {
  isChangeableSetting,
  isSettingVariable,
  type SettingVariable,
  settingValueProblem,
} from './setting-catalog.ts';

/** A known-weak secret that a production deployment must never run with. */
const WEAK_SECRETS = new Set(['changeme', 'secret', 'password', 'hcs', 'default']);
const MIN_PRODUCTION_SECRET_LENGTH = 32;

/** One variable that failed validation, with what was expected. */
export interface ConfigProblem {
  name: string;
  message: string;
}

/**
 * Thrown by {@link loadConfig} with every problem found, so an operator fixes them in one go
 * instead of one restart per mistake. The CLI prints them and exits with status 2.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.name}: ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The process environment. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Directory whose `.env` file is read, if present; real environment variables win. Default `process.cwd()`. */
  cwd?: string;
  /**
   * Values stored through the settings API, by variable name, below the `.env` file and the
   * environment: an operator's explicit variable wins. Only changeable settings are read (see
   * `SETTING_CATALOG`); pass them through {@link acceptStoredSettings} first, as a stored value
   * that is no longer valid is a {@link ConfigError} here. Default none.
   */
  stored?: Readonly<Record<string, string>>;
}

/**
 * Splits values stored through the settings API into those {@link loadConfig} may apply and the
 * problems of the rest (unknown, not changeable, or invalid for this build), so a stored value
 * an older build accepted never stops the server: the caller logs the problems and starts
 * without those values.
 */
export function acceptStoredSettings(stored: Readonly<Record<string, string>>): {
  accepted: Record<string, string>;
  problems: ConfigProblem[];
} {
  const accepted: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(stored)) {
    const problem = !isSettingVariable(name)
      ? 'not a known setting'
      : !isChangeableSetting(name)
        ? 'cannot be changed through the settings API'
        : value === ''
          ? undefined
          : settingValueProblem(name, value);
    if (problem === undefined) accepted[name] = value;
    else problems.push({ name, message: `stored value ignored: ${problem}` });
  }
  return { accepted, problems };
}

/**
 * Reads `HCS_*` variables from the environment and an optional `.env` file, validates all of
 * them, and returns the configuration or throws a {@link ConfigError} listing every problem.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const environment = environmentCopyOf(options.env ?? process.env);
  const layers: [SettingSource, Readonly<Record<string, string | undefined>>][] = [
    ['environment', environment],
    ['env_file', readDotEnv(cwd)],
    ['stored', storedChangeable(options.stored ?? {})],
  ];
  const settings = settingsOf(layers);
  const env = Object.fromEntries(
    Object.entries(settings).flatMap(([name, setting]) =>
      setting.text === undefined ? [] : [[name, setting.text]],
    ),
  );
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        name: String(issue.path[0] ?? '(config)'),
        message: issue.message,
      })),
    );
  }
  const parsed = result.data;
  const problems: ConfigProblem[] = [];
  const production = parsed.HCS_ENV === 'production';
  // A bootstrap key is a password for machines: short ones can be guessed.
  const minKeyLength = production ? MIN_PRODUCTION_SECRET_LENGTH : 16;
  if (parsed.HCS_SERVICE_API_KEYS.some((key) => key.length < minKeyLength)) {
    problems.push({
      name: 'HCS_SERVICE_API_KEYS',
      message: `every key must be at least ${minKeyLength} characters (use random strings)`,
    });
  }
  const secretBytes =
    parsed.HCS_SECRET_KEY === undefined ? undefined : Buffer.byteLength(parsed.HCS_SECRET_KEY);
  if (!production && secretBytes !== undefined && secretBytes < MIN_PRODUCTION_SECRET_LENGTH) {
    // HS256 needs a key as long as its hash (RFC 7518 §3.2), in every environment.
    problems.push({
      name: 'HCS_SECRET_KEY',
      message: `must be at least ${MIN_PRODUCTION_SECRET_LENGTH} bytes (or unset, to generate one)`,
    });
  }
  if (production && parsed.HCS_JWT_PRIVATE_KEY_FILE === undefined) {
    const secret = parsed.HCS_SECRET_KEY;
    if (secret === undefined) {
      problems.push({
        name: 'HCS_SECRET_KEY',
        message:
          'required in production (a random string of 32+ characters), unless HCS_JWT_PRIVATE_KEY_FILE is set',
      });
    } else if (WEAK_SECRETS.has(secret.toLowerCase()) || secret.length < MIN_PRODUCTION_SECRET_LENGTH) {
      problems.push({
        name: 'HCS_SECRET_KEY',
        message: `too weak for production: use a random string of at least ${MIN_PRODUCTION_SECRET_LENGTH} characters`,
      });
    }
  }
  const dataDir = resolve(cwd, parsed.HCS_DATA_DIR);
  const commandsFile =
    parsed.HCS_SYSTEM_COMMANDS_FILE === undefined ? undefined : resolve(cwd, parsed.HCS_SYSTEM_COMMANDS_FILE);
  const filesRoot = resolve(cwd, parsed.HCS_SYSTEM_FS_ROOT ?? join(parsed.HCS_DATA_DIR, 'files'));
  if (commandsFile !== undefined && isInside(commandsFile, filesRoot)) {
    // The file sandbox is writable through the API: an allow-list there could allow anything.
    problems.push({
      name: 'HCS_SYSTEM_COMMANDS_FILE',
      message: `must not be inside the file sandbox ${filesRoot}`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: parsed.HCS_ENV,
    host: parsed.HCS_HOST,
    grpcPort: parsed.HCS_GRPC_PORT,
    httpPort: parsed.HCS_HTTP_PORT,
    dataDir,
    databaseUrl: parsed.HCS_DATABASE_URL,
    redisUrl: parsed.HCS_REDIS_URL,
    redisPrefix: parsed.HCS_REDIS_PREFIX,
    secretKey: parsed.HCS_SECRET_KEY,
    jwtPrivateKeyFile: parsed.HCS_JWT_PRIVATE_KEY_FILE,
    publicUrl: parsed.HCS_PUBLIC_URL,
    adminUsername: parsed.HCS_ADMIN_USERNAME,
    adminPassword: parsed.HCS_ADMIN_PASSWORD,
    serviceApiKeys: parsed.HCS_SERVICE_API_KEYS,
    accessTokenTtlMs: parsed.HCS_ACCESS_TOKEN_TTL_MS,
    refreshTokenTtlMs: parsed.HCS_REFRESH_TOKEN_TTL_MS,
    httpBodyLimitBytes: parsed.HCS_HTTP_BODY_LIMIT_BYTES,
    corsOrigins: parsed.HCS_CORS_ORIGINS,
    logLevel: parsed.HCS_LOG_LEVEL,
    shutdownTimeoutMs: parsed.HCS_SHUTDOWN_TIMEOUT_MS,
    autoMigrate: parsed.HCS_AUTO_MIGRATE,
    proxyAllowedNetworks: parsed.HCS_PROXY_ALLOWED_NETWORKS,
    proxyConnectTimeoutMs: parsed.HCS_PROXY_CONNECT_TIMEOUT_MS,
    proxyResponseTimeoutMs: parsed.HCS_PROXY_RESPONSE_TIMEOUT_MS,
    systemCommandsFile: commandsFile,
    systemCommandsAllowRoot: parsed.HCS_SYSTEM_COMMANDS_ALLOW_ROOT,
    systemMaxConcurrentRuns: parsed.HCS_SYSTEM_MAX_CONCURRENT_RUNS,
    systemCommandRunRetentionMs: parsed.HCS_SYSTEM_COMMAND_RUN_RETENTION_MS,
    httpRawBodyLimitBytes: parsed.HCS_HTTP_RAW_BODY_LIMIT_BYTES,
    analyticsDefaultRetentionMs: parsed.HCS_ANALYTICS_DEFAULT_RETENTION_MS,
    systemFiles: {
      root: filesRoot,
      writable: parsed.HCS_SYSTEM_FS_WRITE,
      quotaBytes: parsed.HCS_SYSTEM_FS_QUOTA_BYTES,
      minFreeBytes: parsed.HCS_SYSTEM_FS_MIN_FREE_BYTES,
    },
    registry: {
      leaseGraceMs: parsed.HCS_REGISTRY_LEASE_GRACE_MS,
      minLeaseTtlMs: parsed.HCS_REGISTRY_MIN_LEASE_TTL_MS,
      minIntervalMs: parsed.HCS_REGISTRY_MIN_INTERVAL_MS,
      sweepIntervalMs: parsed.HCS_REGISTRY_SWEEP_INTERVAL_MS,
      watchHistory: parsed.HCS_REGISTRY_WATCH_HISTORY,
    },
    settings,
    environment,
    devices: {
      adapters: parsed.HCS_DEVICES_ADAPTERS,
      allowList: parsed.HCS_DEVICES_ALLOW_LIST,
      profilesDir:
        parsed.HCS_DEVICES_PROFILES_DIR === undefined
          ? undefined
          : resolve(cwd, parsed.HCS_DEVICES_PROFILES_DIR),
      queueDepth: parsed.HCS_DEVICES_QUEUE_DEPTH,
      jobRetentionMs: parsed.HCS_DEVICES_JOB_RETENTION_MS,
      recordReadings: parsed.HCS_DEVICES_RECORD_READINGS,
    },
  };
}

function storedChangeable(stored: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(stored).filter(([name]) => isSettingVariable(name) && isChangeableSetting(name)),
  );
}

/**
 * Each variable from the first layer that defines it, and which layer that was. An empty value
 * there means "not set" and still hides the layers below: `HCS_REDIS_URL=` in a compose file
 * turns Redis off whatever `.env` says.
 */
function settingsOf(
  layers: [SettingSource, Readonly<Record<string, string | undefined>>][],
): Record<SettingVariable, SettingValue> {
  const settings = {} as Record<SettingVariable, SettingValue>;
  for (const name of Object.keys(envSchema.shape) as SettingVariable[]) {
    const layer = layers.find(([, values]) => values[name] !== undefined);
    const text = layer?.[1][name];
    settings[name] =
      layer === undefined || text === undefined
        ? { text: undefined, source: 'default' }
        : { text: text === '' ? undefined : text, source: layer[0] };
  }
  return settings;
}

function isInside(path: string, directory: string): boolean {
  const rest = relative(directory, path);
  return rest === '' || (rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest));
}

function readDotEnv(cwd: string): Record<string, string> {
  const file = resolve(cwd, '.env');
  if (!existsSync(file)) return {};
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** A frozen copy of an environment, its unset entries left out. */
function environmentCopyOf(env: NodeJS.ProcessEnv): Readonly<Record<string, string>> {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(env).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])),
    ),
  );
}
