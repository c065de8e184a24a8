import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withStoredSettings } from '../../../src/cli/serve-config.ts';
import { loadConfig } from '../../../src/platform/config/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { fetchAnswer } from '../../helpers/http.ts';
import { captureLogs } from '../../helpers/log.ts';
import {
  createTestPostgresDatabase,
  postgresSuitesEnabled,
  type TestPostgresDatabase,
} from '../../helpers/postgres.ts';
import { tempDir } from '../../helpers/process.ts';

if (await postgresSuitesEnabled('stored settings on postgresql')) {
  let database: TestPostgresDatabase;
  let app: TestApp;

  test.before(async () => {
    database = await createTestPostgresDatabase();
    app = await startTestApp({ env: { HCS_DATABASE_URL: database.url, HCS_AUTO_MIGRATE: 'true' } });
  });

  test.after(async () => {
    await app?.close();
    await database?.drop();
  });

  test('a value stored on PostgreSQL is pending, then read by the next start below the environment', async () => {
    const stored = await fetchAnswer(`${app.httpBase}/api/v1/settings/registry_watch_history`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await app.adminToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: '20000' }),
    });
    assert.is(stored.status, 200, stored.text);
    assert.is(stored.json.pendingRestart, true);
    assert.is(stored.json.updatedBy, 'users/admin');

    // What `hcs serve` does at its next start, against the same database.
    const options = {
      cwd: tempDir(),
      env: {
        HCS_DATABASE_URL: database.url,
        HCS_DATA_DIR: app.dataDir,
        HCS_REGISTRY_SWEEP_INTERVAL_MS: '2000',
      },
    };
    const { logger, lines } = captureLogs();
    const config = await withStoredSettings(loadConfig(options), logger, options);
    assert.is(config.registry.watchHistory, 20000);
    assert.equal(config.settings.HCS_REGISTRY_WATCH_HISTORY, { text: '20000', source: 'stored' });
    assert.is(config.registry.sweepIntervalMs, 2000);
    assert.ok(lines.some((line) => line.msg === 'stored settings applied'));
  });

  test('on PostgreSQL too, of concurrent updates read with one etag exactly one applies', async () => {
    const headers = { authorization: `Bearer ${await app.adminToken()}`, 'content-type': 'application/json' };
    const url = `${app.httpBase}/api/v1/settings/registry_min_interval_ms`;
    const etag = String((await fetchAnswer(url, { headers })).json.etag);
    const answers = await Promise.all(
      ['2000', '3000', '4000', '5000'].map((value) =>
        fetchAnswer(url, { method: 'PATCH', headers, body: JSON.stringify({ value, etag }) }),
      ),
    );
    assert.equal(answers.map((answer) => answer.status).sort(), [200, 409, 409, 409]);
  });

  test.run();
}
