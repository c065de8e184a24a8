/**
 * Log paths whose values are replaced by `[redacted]`. pino matches paths literally with `*`
 * for one level, so each secret-bearing key is listed at the depths hcs logs it: top level,
 * inside one object (`req.password`) and inside request headers / call metadata.
 */
const SECRET_KEYS = [
  'authorization',
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'apiKey',
  'api_key',
  'secret',
  'secretKey',
  'clientSecret',
  'cookie',
];

const HEADER_KEYS = ['authorization', 'x-api-key', 'cookie', 'set-cookie', 'proxy-authorization'];

/** The redaction paths handed to pino. */
export const REDACT_PATHS: string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  ...HEADER_KEYS.map((key) => `headers["${key}"]`),
  ...HEADER_KEYS.map((key) => `*.headers["${key}"]`),
  ...HEADER_KEYS.map((key) => `metadata["${key}"]`),
  ...HEADER_KEYS.map((key) => `*.metadata["${key}"]`),
];

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';
