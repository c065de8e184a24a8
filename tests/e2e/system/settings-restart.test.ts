import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchAnswer, type HttpAnswer } from '../../helpers/http.ts';
import { removeTempDir, tempDir } from '../../helpers/process.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

const dataDir = tempDir('hcs-data-');
const env = { HCS_DATA_DIR: dataDir };

test.after(() => {
  removeTempDir(dataDir);
});

async function call(server: ServerProcess, method: string, id: string, body?: unknown): Promise<HttpAnswer> {
  return fetchAnswer(`${server.httpBase}/api/v1/settings/${id}`, {
    method,
    headers: { authorization: `Bearer ${await server.adminToken()}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

// A body over 2 KiB: accepted (and refused for its value) under the default 4 MiB limit, 413 under 2 KiB.
const bigUpdate = { value: 'x'.repeat(3000) };

test('a stored value is pending until hcs serve restarts on the same data dir, then it runs; a variable the operator sets wins over it', async () => {
  const first = await startServer({ env, readyTimeoutMs: 120_000 });
  try {
    const limit = await call(first, 'PATCH', 'http_body_limit_bytes', { value: '2048' });
    assert.is(limit.status, 200, limit.text);
    assert.equal(limit.json, {
      ...limit.json,
      value: '4194304',
      storedValue: '2048',
      pendingRestart: true,
      source: 'SETTING_SOURCE_DEFAULT',
    });
    const grace = await call(first, 'PATCH', 'registry_lease_grace_ms', { value: '45000' });
    assert.is(grace.status, 200, grace.text);
    const big = await call(first, 'PATCH', 'log_level', bigUpdate);
    assert.is(big.status, 400, 'the running limit is still the default');
  } finally {
    assert.is(await first.stop(), 0);
  }

  // The operator sets one of the two in the environment of the next start.
  const second = await startServer({
    env: { ...env, HCS_REGISTRY_LEASE_GRACE_MS: '31000' },
    readyTimeoutMs: 120_000,
  });
  try {
    const limit = await call(second, 'GET', 'http_body_limit_bytes');
    assert.equal(limit.json, {
      ...limit.json,
      value: '2048',
      storedValue: '2048',
      pendingRestart: false,
      source: 'SETTING_SOURCE_API',
    });
    const big = await call(second, 'PATCH', 'log_level', bigUpdate);
    assert.is(big.status, 413, 'the stored body limit is in force');
    const grace = await call(second, 'GET', 'registry_lease_grace_ms');
    assert.equal(grace.json, {
      ...grace.json,
      value: '31000',
      storedValue: '45000',
      pendingRestart: false,
      source: 'SETTING_SOURCE_ENVIRONMENT',
    });
    const applied = second.logLines().find((line) => line.msg === 'stored settings applied');
    assert.equal(applied?.settings, ['HCS_HTTP_BODY_LIMIT_BYTES']);
  } finally {
    assert.is(await second.stop(), 0);
  }
});

test('a stored value this build refuses is logged and skipped: the server still starts', async () => {
  const database = new DatabaseSync(join(dataDir, 'hcs.sqlite'));
  database
    .prepare('update stored_settings set value = ? where variable = ?')
    .run('lots', 'HCS_HTTP_BODY_LIMIT_BYTES');
  database.close();
  const third = await startServer({ env, readyTimeoutMs: 120_000 });
  try {
    const warning = third.logLines().find((line) => line.setting === 'HCS_HTTP_BODY_LIMIT_BYTES');
    assert.match(String(warning?.msg), /stored value ignored: expected a body size in bytes/);
    const limit = await call(third, 'GET', 'http_body_limit_bytes');
    assert.is(limit.json.value, '4194304');
    assert.is(limit.json.source, 'SETTING_SOURCE_DEFAULT');
    assert.is(limit.json.storedValue, 'lots');
    assert.is(limit.json.pendingRestart, false, 'a restart would skip it again');
    const grace = await call(third, 'GET', 'registry_lease_grace_ms');
    assert.is(grace.json.value, '45000', 'the other stored value applies');
    assert.is(grace.json.source, 'SETTING_SOURCE_API');
  } finally {
    assert.is(await third.stop(), 0);
  }
});

test.run();
