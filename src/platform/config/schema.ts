import { z } from 'zod';

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

const positiveInt = (fallback: number, what: string, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .default(String(fallback))
    .transform((raw, ctx) => {
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || value <= 0 || value > max) {
        const bound = max === Number.MAX_SAFE_INTEGER ? '' : ` up to ${max}`;
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
  HCS_DATA_DIR: z.string().min(1, 'expected a directory path').default('./data'),
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
  HCS_AUTO_MIGRATE: z
    .enum(['true', 'false'], { error: (issue) => `expected true or false, got "${String(issue.input)}"` })
    .optional()
    .transform((raw) => (raw === undefined ? undefined : raw === 'true')),
});

/** The environment variables as validated by {@link envSchema}. */
export type ParsedEnv = z.output<typeof envSchema>;

/** The names of every variable hcs reads, in documentation order. */
export const ENV_NAMES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];
