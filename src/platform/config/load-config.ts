import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { Config } from './config.ts';
import { envSchema } from './schema.ts';

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
}

/**
 * Reads `HCS_*` variables from the environment and an optional `.env` file, validates all of
 * them, and returns the configuration or throws a {@link ConfigError} listing every problem.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const merged = { ...readDotEnv(cwd), ...(options.env ?? process.env) };
  // An empty variable means "not set": `HCS_REDIS_URL=` in a compose file turns Redis off.
  const env = Object.fromEntries(
    Object.entries(merged).filter(([name, value]) => name.startsWith('HCS_') && value !== ''),
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
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: parsed.HCS_ENV,
    host: parsed.HCS_HOST,
    grpcPort: parsed.HCS_GRPC_PORT,
    httpPort: parsed.HCS_HTTP_PORT,
    dataDir: resolve(cwd, parsed.HCS_DATA_DIR),
    databaseUrl: parsed.HCS_DATABASE_URL,
    redisUrl: parsed.HCS_REDIS_URL,
    redisPrefix: parsed.HCS_REDIS_PREFIX,
    secretKey: parsed.HCS_SECRET_KEY,
    jwtPrivateKeyFile: parsed.HCS_JWT_PRIVATE_KEY_FILE,
    publicUrl: parsed.HCS_PUBLIC_URL,
    adminUsername: parsed.HCS_ADMIN_USERNAME,
    adminPassword: parsed.HCS_ADMIN_PASSWORD,
    serviceApiKeys: parsed.HCS_SERVICE_API_KEYS,
    httpBodyLimitBytes: parsed.HCS_HTTP_BODY_LIMIT_BYTES,
    corsOrigins: parsed.HCS_CORS_ORIGINS,
    logLevel: parsed.HCS_LOG_LEVEL,
    shutdownTimeoutMs: parsed.HCS_SHUTDOWN_TIMEOUT_MS,
    autoMigrate: parsed.HCS_AUTO_MIGRATE,
  };
}

function readDotEnv(cwd: string): Record<string, string> {
  const file = resolve(cwd, '.env');
  if (!existsSync(file)) return {};
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}
