import { z } from 'zod';
import { type Cidr, LOOPBACK_AND_PRIVATE_NETWORKS, parseCidr } from '../net/index.ts';
import { DEFAULT_DATA_DIR } from '../runtime-flags/index.ts';

const port = (fallback: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((raw, ctx) => {
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || value > 65535) {
        ctx.addIssue({ code: 'custom', message: `expected a TCP port 0-65535, got "${raw}"` });
        return z.NEVER;
      }
      return value;
    });

const positiveInt = (fallback: number, what: string, max = Number.MAX_SAFE_INTEGER, min = 1) =>
  z
    .string()
    .default(String(fallback))
    .transform((raw, ctx) => {
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
        const bound =
          (min === 1 ? '' : ` from ${min}`) + (max === Number.MAX_SAFE_INTEGER ? '' : ` up to ${max}`);
        ctx.addIssue({
          code: 'custom',
          message: `expected ${what} (a positive integer${bound}), got "${raw}"`,
        });
        return z.NEVER;
      }
      return value;
    });

const url = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: `expected a URL (${protocols.join(', ')}), got "${raw}"` });
        return z.NEVER;
      }
      if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a URL with scheme ${protocols.join(' or ')}, got "${parsed.protocol}"`,
        });
        return z.NEVER;
      }
      return raw;
    });

const list = z
  .string()
  .optional()
  .transform((raw) =>
    (raw ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

// Every bad entry is reported, each with why, so one restart fixes them all.
const networks = z
  .string()
  .default(LOOPBACK_AND_PRIVATE_NETWORKS.join(','))
  .transform((raw, ctx) => {
    const entries = raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (entries.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected comma-separated networks (e.g. 10.0.0.0/8,fc00::/7)',
      });
      return z.NEVER;
    }
    const parsed: Cidr[] = [];
    for (const entry of entries) {
      try {
        parsed.push(parseCidr(entry));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }
    return parsed;
  });

const ADAPTER_NAMES = ['simulated', 'hid', 'usb', 'serial'];

const adapterList = z
  .string()
  .default(ADAPTER_NAMES.join(','))
  .transform((raw, ctx) => {
    const names = raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    for (const name of names) {
      if (!ADAPTER_NAMES.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected adapter names from ${ADAPTER_NAMES.join(', ')}, got "${name}"`,
        });
      }
    }
    return [...new Set(names)];
  });

/** One parsed `vvvv:pppp[:detach]` entry of `HCS_DEVICES_ALLOW_LIST`. */
export interface UsbAllowListEntry {
  vendorId: number;
  productId: number;
  detachKernelDriver: boolean;
}

const usbAllowList = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const entries: UsbAllowListEntry[] = [];
    for (const item of (raw ?? '').split(',')) {
      const entry = item.trim().toLowerCase();
      if (entry === '') continue;
      const match = /^([0-9a-f]{4}):([0-9a-f]{4})(:detach)?$/.exec(entry);
      if (match === null) {
        ctx.addIssue({
          code: 'custom',
          message: `expected comma-separated vendor:product ids in hex such as 04d8:00dd or 04d8:00dd:detach, got "${item.trim()}"`,
        });
        continue;
      }
      entries.push({
        vendorId: Number.parseInt(match[1] as string, 16),
        productId: Number.parseInt(match[2] as string, 16),
        detachKernelDriver: match[3] !== undefined,
      });
    }
    return entries;
  });

const optionalString = z
  .string()
  .optional()
  .transform((raw) => (raw === undefined || raw === '' ? undefined : raw));

/**
 * Every `HCS_*` variable hcs reads, with its default. The names are part of the external
 * interface (DESIGN.md); rename none of them. Values arrive as strings from the environment or
 * `.env` and are converted here, once.
 */
export const envSchema = z.object({
  HCS_ENV: z
    .enum(['development', 'production', 'test'], {
      error: (issue) => `expected one of development, production, test, got "${String(issue.input)}"`,
    })
    .default('development'),
  HCS_HOST: z.string().min(1, 'expected a host name or address').default('0.0.0.0'),
  HCS_GRPC_PORT: port(50051),
  HCS_HTTP_PORT: port(8080),
  HCS_DATA_DIR: z.string().min(1, 'expected a directory path').default(DEFAULT_DATA_DIR),
  HCS_DATABASE_URL: url(['postgres:', 'postgresql:', 'sqlite:', 'file:']),
  HCS_REDIS_URL: url(['redis:', 'rediss:']),
  HCS_REDIS_PREFIX: z.string().default('hcs:'),
  HCS_SECRET_KEY: optionalString,
  HCS_JWT_PRIVATE_KEY_FILE: optionalString,
  HCS_PUBLIC_URL: url(['http:', 'https:']),
  HCS_ADMIN_USERNAME: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'expected 1-64 letters, digits, "_", "." or "-"')
    .default('admin'),
  HCS_ADMIN_PASSWORD: optionalString,
  HCS_SERVICE_API_KEYS: list,
  // A minute to a day: a shorter access token only adds refreshes, a longer one outlives a revocation's reason.
  HCS_ACCESS_TOKEN_TTL_MS: positiveInt(900_000, 'a token lifetime in milliseconds', 86_400_000, 60_000),
  HCS_REFRESH_TOKEN_TTL_MS: positiveInt(
    30 * 86_400_000,
    'a sign-in lifetime in milliseconds',
    365 * 86_400_000,
    300_000,
  ),
  // 1 GiB at most: a larger limit is no limit on an edge box.
  HCS_HTTP_BODY_LIMIT_BYTES: positiveInt(4 * 1024 * 1024, 'a body size in bytes', 1024 * 1024 * 1024),
  HCS_CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((raw) =>
      raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    ),
  HCS_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: (issue) =>
        `expected one of fatal, error, warn, info, debug, trace, silent, got "${String(issue.input)}"`,
    })
    .default('info'),
  HCS_SHUTDOWN_TIMEOUT_MS: positiveInt(10_000, 'a drain time in milliseconds'),
  HCS_PROXY_ALLOWED_NETWORKS: networks,
  HCS_PROXY_CONNECT_TIMEOUT_MS: positiveInt(5_000, 'a connect timeout in milliseconds', 600_000),
  HCS_PROXY_RESPONSE_TIMEOUT_MS: positiveInt(60_000, 'a response timeout in milliseconds', 3_600_000),
  // System commands: off until an allow-list file is configured.
  HCS_SYSTEM_COMMANDS_FILE: optionalString,
  HCS_SYSTEM_COMMANDS_ALLOW_ROOT: z
    .enum(['true', 'false'], { error: (issue) => `expected true or false, got "${String(issue.input)}"` })
    .default('false')
    .transform((raw) => raw === 'true'),
  HCS_SYSTEM_MAX_CONCURRENT_RUNS: positiveInt(4, 'a number of command runs', 256),
  // 400 days at most: runs are kept for audits, not forever.
  HCS_SYSTEM_COMMAND_RUN_RETENTION_MS: positiveInt(
    7 * 24 * 3_600_000,
    'a retention time in milliseconds',
    400 * 24 * 3_600_000,
  ),
  // The file sandbox of SystemService: off for changes until an operator enables them.
  HCS_SYSTEM_FS_ROOT: optionalString,
  HCS_SYSTEM_FS_WRITE: z
    .enum(['true', 'false'], { error: (issue) => `expected true or false, got "${String(issue.input)}"` })
    .default('false')
    .transform((raw) => raw === 'true'),
  HCS_SYSTEM_FS_QUOTA_BYTES: positiveInt(1024 * 1024 * 1024, 'a sandbox size in bytes'),
  HCS_SYSTEM_FS_MIN_FREE_BYTES: positiveInt(256 * 1024 * 1024, 'a free-space reserve in bytes'),
  // Raw (google.api.HttpBody) uploads are streamed, never buffered: a larger total is fine.
  HCS_HTTP_RAW_BODY_LIMIT_BYTES: positiveInt(1024 * 1024 * 1024, 'a raw body size in bytes'),
  HCS_REGISTRY_LEASE_GRACE_MS: positiveInt(30_000, 'a grace period in milliseconds', 86_400_000),
  HCS_REGISTRY_MIN_LEASE_TTL_MS: positiveInt(5_000, 'a lease time to live in milliseconds', 3_600_000),
  HCS_REGISTRY_MIN_INTERVAL_MS: positiveInt(1_000, 'an interval in milliseconds', 600_000),
  HCS_REGISTRY_SWEEP_INTERVAL_MS: positiveInt(1_000, 'an interval in milliseconds', 600_000),
  HCS_REGISTRY_WATCH_HISTORY: positiveInt(10_000, 'a number of changes', 10_000_000),
  // The bounds of a series' own retention (analytics.proto): 1 hour to 100 years.
  HCS_ANALYTICS_DEFAULT_RETENTION_MS: positiveInt(
    30 * 86_400_000,
    'a retention time in milliseconds',
    100 * 365.25 * 86_400_000,
    3_600_000,
  ),
  // Devices: every shipped adapter by default; one whose library is missing reports itself unavailable.
  HCS_DEVICES_ADAPTERS: adapterList,
  HCS_DEVICES_ALLOW_LIST: usbAllowList,
  HCS_DEVICES_PROFILES_DIR: optionalString,
  HCS_DEVICES_QUEUE_DEPTH: positiveInt(32, 'a number of queued commands', 10_000),
  HCS_DEVICES_JOB_RETENTION_MS: positiveInt(
    7 * 86_400_000,
    'a retention time in milliseconds',
    100 * 365.25 * 86_400_000,
    1000,
  ),
  HCS_DEVICES_RECORD_READINGS: z
    .enum(['true', 'false'], { error: (issue) => `expected true or false, got "${String(issue.input)}"` })
    .default('true')
    .transform((raw) => raw === 'true'),
  HCS_AUTO_MIGRATE: z
    .enum(['true', 'false'], { error: (issue) => `expected true or false, got "${String(issue.input)}"` })
    .optional()
    .transform((raw) => (raw === undefined ? undefined : raw === 'true')),
});

/** The environment variables as validated by {@link envSchema}. */
export type ParsedEnv = z.output<typeof envSchema>;

/** The names of every variable hcs reads, in documentation order. */
export const ENV_NAMES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];
