import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, ENV_NAMES, loadConfig } from '../../../src/platform/config/index.ts';
import { tempDir } from '../../helpers/process.ts';

const cwd = tempDir();

function problemsOf(env: Record<string, string>): Record<string, string> {
  try {
    loadConfig({ env, cwd });
  } catch (error) {
    if (error instanceof ConfigError)
      return Object.fromEntries(error.problems.map((p) => [p.name, p.message]));
    throw error;
  }
  return {};
}

test('defaults serve on the documented ports with no other server', () => {
  const config = loadConfig({ env: {}, cwd });
  assert.is(config.grpcPort, 50051);
  assert.is(config.httpPort, 8080);
  assert.is(config.host, '0.0.0.0');
  assert.is(config.env, 'development');
  assert.is(config.databaseUrl, undefined);
  assert.is(config.redisUrl, undefined);
  assert.is(config.dataDir, `${cwd}/data`);
  assert.equal(config.corsOrigins, ['*']);
  assert.is(config.logLevel, 'info');
  assert.is(config.httpBodyLimitBytes, 4 * 1024 * 1024);
});

const invalid: [string, Record<string, string>, string, RegExp][] = [
  ['port that is not a number', { HCS_GRPC_PORT: 'abc' }, 'HCS_GRPC_PORT', /TCP port 0-65535, got "abc"/],
  ['port out of range', { HCS_HTTP_PORT: '70000' }, 'HCS_HTTP_PORT', /TCP port/],
  ['negative port', { HCS_GRPC_PORT: '-1' }, 'HCS_GRPC_PORT', /TCP port/],
  ['unknown environment', { HCS_ENV: 'staging' }, 'HCS_ENV', /development, production, test/],
  ['unknown log level', { HCS_LOG_LEVEL: 'verbose' }, 'HCS_LOG_LEVEL', /fatal, error, warn, info/],
  ['database URL of another scheme', { HCS_DATABASE_URL: 'mysql://x/y' }, 'HCS_DATABASE_URL', /postgres/],
  ['database URL that is not a URL', { HCS_DATABASE_URL: 'not a url' }, 'HCS_DATABASE_URL', /expected a URL/],
  ['redis URL of another scheme', { HCS_REDIS_URL: 'http://localhost' }, 'HCS_REDIS_URL', /redis:/],
  ['admin name with spaces', { HCS_ADMIN_USERNAME: 'bad name' }, 'HCS_ADMIN_USERNAME', /letters, digits/],
  ['zero drain time', { HCS_SHUTDOWN_TIMEOUT_MS: '0' }, 'HCS_SHUTDOWN_TIMEOUT_MS', /positive integer/],
  [
    'a body limit with a unit',
    { HCS_HTTP_BODY_LIMIT_BYTES: '4MB' },
    'HCS_HTTP_BODY_LIMIT_BYTES',
    /positive integer/,
  ],
  [
    'a body limit over 1 GiB',
    { HCS_HTTP_BODY_LIMIT_BYTES: String(8 * 1024 ** 3) },
    'HCS_HTTP_BODY_LIMIT_BYTES',
    /up to 1073741824/,
  ],
  ['auto-migrate that is not a boolean', { HCS_AUTO_MIGRATE: 'yes' }, 'HCS_AUTO_MIGRATE', /true or false/],
  ['production without a secret', { HCS_ENV: 'production' }, 'HCS_SECRET_KEY', /required in production/],
  [
    'production with the default secret',
    { HCS_ENV: 'production', HCS_SECRET_KEY: 'changeme' },
    'HCS_SECRET_KEY',
    /too weak/,
  ],
  [
    'production with a short secret',
    { HCS_ENV: 'production', HCS_SECRET_KEY: 'abcdefgh' },
    'HCS_SECRET_KEY',
    /at least 32/,
  ],
  [
    'a short bootstrap API key',
    { HCS_SERVICE_API_KEYS: 'long-enough-key-0123,short' },
    'HCS_SERVICE_API_KEYS',
    /16/,
  ],
  [
    'production with a bootstrap API key under 32 characters',
    {
      HCS_ENV: 'production',
      HCS_SECRET_KEY: 'q7Vb2mXk9LpR4tWz8NcY3hJd6FsG1aEu0',
      HCS_SERVICE_API_KEYS: 'only-twenty-chars-ok',
    },
    'HCS_SERVICE_API_KEYS',
    /32/,
  ],
  [
    'an analytics default retention under one hour',
    { HCS_ANALYTICS_DEFAULT_RETENTION_MS: '59000' },
    'HCS_ANALYTICS_DEFAULT_RETENTION_MS',
    /from 3600000 up to 3155760000000\), got "59000"/,
  ],
  [
    'an analytics default retention with a unit',
    { HCS_ANALYTICS_DEFAULT_RETENTION_MS: '30d' },
    'HCS_ANALYTICS_DEFAULT_RETENTION_MS',
    /retention time in milliseconds/,
  ],
  ['a public URL that is not http(s)', { HCS_PUBLIC_URL: 'ftp://edge' }, 'HCS_PUBLIC_URL', /http/],
];

for (const [name, env, variable, message] of invalid) {
  test(`rejects ${name}, naming ${variable}`, () => {
    const problems = problemsOf(env);
    assert.ok(problems[variable], `expected a problem for ${variable}, got ${JSON.stringify(problems)}`);
    assert.match(problems[variable] ?? '', message);
  });
}

test('reports every bad variable at once', () => {
  const problems = problemsOf({
    HCS_GRPC_PORT: 'x',
    HCS_HTTP_PORT: 'y',
    HCS_LOG_LEVEL: 'loud',
    HCS_ENV: 'qa',
  });
  assert.equal(Object.keys(problems).sort(), ['HCS_ENV', 'HCS_GRPC_PORT', 'HCS_HTTP_PORT', 'HCS_LOG_LEVEL']);
});

test('a body limit of exactly 1 GiB is accepted', () => {
  const config = loadConfig({ env: { HCS_HTTP_BODY_LIMIT_BYTES: String(1024 ** 3) }, cwd });
  assert.is(config.httpBodyLimitBytes, 1024 ** 3);
});

test('the analytics default retention is 30 days unless set, and may be one hour', () => {
  assert.is(loadConfig({ env: {}, cwd }).analyticsDefaultRetentionMs, 30 * 86_400_000);
  const hour = loadConfig({ env: { HCS_ANALYTICS_DEFAULT_RETENTION_MS: '3600000' }, cwd });
  assert.is(hour.analyticsDefaultRetentionMs, 3_600_000);
});

test('auto-migrate is decided by the dialect unless set', () => {
  assert.is(loadConfig({ env: {}, cwd }).autoMigrate, undefined);
  assert.is(loadConfig({ env: { HCS_AUTO_MIGRATE: 'false' }, cwd }).autoMigrate, false);
  assert.is(loadConfig({ env: { HCS_AUTO_MIGRATE: 'true' }, cwd }).autoMigrate, true);
});

test('an empty variable counts as unset', () => {
  const config = loadConfig({ env: { HCS_REDIS_URL: '', HCS_GRPC_PORT: '' }, cwd });
  assert.is(config.redisUrl, undefined);
  assert.is(config.grpcPort, 50051);
});

test('production accepts a long random secret', () => {
  const config = loadConfig({
    env: { HCS_ENV: 'production', HCS_SECRET_KEY: 'q7Vb2mXk9LpR4tWz8NcY3hJd6FsG1aEu0' },
    cwd,
  });
  assert.is(config.env, 'production');
});

test('reads a .env file, and the real environment wins over it', async () => {
  const { writeFileSync } = await import('node:fs');
  const dir = tempDir();
  writeFileSync(`${dir}/.env`, 'HCS_GRPC_PORT=6000\nHCS_HTTP_PORT=6001\n# comment\n');
  const config = loadConfig({ env: { HCS_HTTP_PORT: '7001' }, cwd: dir });
  assert.is(config.grpcPort, 6000);
  assert.is(config.httpPort, 7001);
});

test('the environment is copied at load: later changes to process.env do not reach it', () => {
  process.env.CONFIG_TEST_PROBE_VALUE = 'at-load';
  try {
    const config = loadConfig({ cwd });
    process.env.CONFIG_TEST_PROBE_VALUE = 'changed';
    process.env.CONFIG_TEST_PROBE_ADDED = 'added';
    assert.is(config.environment.CONFIG_TEST_PROBE_VALUE, 'at-load');
    assert.is(config.environment.CONFIG_TEST_PROBE_ADDED, undefined);
    assert.is(config.environment.PATH, process.env.PATH);
    assert.ok(Object.isFrozen(config.environment), 'nothing in the process can change the copy either');
  } finally {
    delete process.env.CONFIG_TEST_PROBE_VALUE;
    delete process.env.CONFIG_TEST_PROBE_ADDED;
  }
});

test('production signing with a private key file needs no HCS_SECRET_KEY', () => {
  const config = loadConfig({
    cwd: tempDir(),
    env: { HCS_ENV: 'production', HCS_JWT_PRIVATE_KEY_FILE: '/etc/hcs/jwt.pem' },
  });
  assert.is(config.jwtPrivateKeyFile, '/etc/hcs/jwt.pem');
  assert.is(config.secretKey, undefined);
});

test('lists every documented variable', () => {
  for (const name of [
    'HCS_GRPC_PORT',
    'HCS_HTTP_PORT',
    'HCS_HOST',
    'HCS_DATA_DIR',
    'HCS_DATABASE_URL',
    'HCS_REDIS_URL',
    'HCS_SECRET_KEY',
    'HCS_ADMIN_USERNAME',
    'HCS_ADMIN_PASSWORD',
    'HCS_SERVICE_API_KEYS',
    'HCS_CORS_ORIGINS',
    'HCS_LOG_LEVEL',
    'HCS_ENV',
    'HCS_JWT_PRIVATE_KEY_FILE',
    'HCS_PUBLIC_URL',
    'HCS_HTTP_BODY_LIMIT_BYTES',
  ]) {
    assert.ok((ENV_NAMES as string[]).includes(name), name);
  }
});

test('every variable hcs reads is documented in README.md and .env.example', () => {
  const root = new URL('../../../', import.meta.url);
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const example = readFileSync(new URL('.env.example', root), 'utf8');
  for (const name of ENV_NAMES) {
    assert.ok(readme.includes(`\`${name}\``), `README.md documents ${name}`);
    assert.match(example, new RegExp(`^${name}=`, 'm'), `.env.example lists ${name}`);
  }
});

test.run();
