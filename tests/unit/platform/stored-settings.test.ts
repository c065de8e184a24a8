import { writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  acceptStoredSettings,
  ConfigError,
  ENV_NAMES,
  isChangeableSetting,
  loadConfig,
  SETTING_CATALOG,
} from '../../../src/platform/config/index.ts';
import { tempDir } from '../../helpers/process.ts';

const cwd = tempDir();
writeFileSync(`${cwd}/.env`, 'HCS_PROXY_CONNECT_TIMEOUT_MS=7000\n');

test('precedence: the environment, then .env, then a stored value, then the default', () => {
  const config = loadConfig({
    cwd,
    env: { HCS_SHUTDOWN_TIMEOUT_MS: '4000' },
    stored: {
      HCS_SHUTDOWN_TIMEOUT_MS: '5000',
      HCS_PROXY_CONNECT_TIMEOUT_MS: '6000',
      HCS_REGISTRY_WATCH_HISTORY: '20000',
    },
  });
  assert.is(config.shutdownTimeoutMs, 4000);
  assert.equal(config.settings.HCS_SHUTDOWN_TIMEOUT_MS, { text: '4000', source: 'environment' });
  assert.is(config.proxyConnectTimeoutMs, 7000);
  assert.equal(config.settings.HCS_PROXY_CONNECT_TIMEOUT_MS, { text: '7000', source: 'env_file' });
  assert.is(config.registry.watchHistory, 20000);
  assert.equal(config.settings.HCS_REGISTRY_WATCH_HISTORY, { text: '20000', source: 'stored' });
  assert.is(config.logLevel, 'info');
  assert.equal(config.settings.HCS_LOG_LEVEL, { text: undefined, source: 'default' });
});

test('an empty variable in the environment hides .env and a stored value: the default applies', () => {
  const config = loadConfig({
    cwd,
    env: { HCS_PROXY_CONNECT_TIMEOUT_MS: '', HCS_LOG_LEVEL: '' },
    stored: { HCS_LOG_LEVEL: 'debug' },
  });
  assert.is(config.proxyConnectTimeoutMs, 5000);
  assert.is(config.logLevel, 'info');
  assert.equal(config.settings.HCS_LOG_LEVEL, { text: undefined, source: 'environment' });
});

test('a stored value of a setting that is not changeable is never applied', () => {
  const config = loadConfig({
    cwd,
    env: {},
    stored: { HCS_GRPC_PORT: '1234', HCS_DATA_DIR: '/elsewhere', HCS_SECRET_KEY: 'x'.repeat(40) },
  });
  assert.is(config.grpcPort, 50051);
  assert.is(config.dataDir, `${cwd}/data`);
  assert.is(config.secretKey, undefined);
});

test('acceptStoredSettings keeps valid changeable values and names every other one with why', () => {
  const { accepted, problems } = acceptStoredSettings({
    HCS_LOG_LEVEL: 'debug',
    HCS_REGISTRY_WATCH_HISTORY: 'lots',
    HCS_GRPC_PORT: '1234',
    HCS_GONE: '1',
  });
  assert.equal(accepted, { HCS_LOG_LEVEL: 'debug' });
  assert.equal(Object.fromEntries(problems.map((problem) => [problem.name, problem.message])), {
    HCS_REGISTRY_WATCH_HISTORY:
      'stored value ignored: expected a number of changes (a positive integer up to 10000000), got "lots"',
    HCS_GRPC_PORT: 'stored value ignored: cannot be changed through the settings API',
    HCS_GONE: 'stored value ignored: not a known setting',
  });
  assert.throws(
    () => loadConfig({ cwd, env: {}, stored: { HCS_REGISTRY_WATCH_HISTORY: 'lots' } }),
    (error: unknown) => error instanceof ConfigError,
  );
});

test('no database, directory, key, secret or port is changeable', () => {
  const changeable = ENV_NAMES.filter(isChangeableSetting);
  for (const name of changeable) {
    assert.not.match(
      name,
      /DATABASE|DATA_DIR|KEY|SECRET|PASSWORD|PORT|HOST|_ROOT|_FILE|NETWORKS|REDIS/,
      name,
    );
    assert.not.ok(SETTING_CATALOG[name].secret, `${name} is not secret`);
  }
  assert.ok(changeable.includes('HCS_LOG_LEVEL'));
});

test.run();
