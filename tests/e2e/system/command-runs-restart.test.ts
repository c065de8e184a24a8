import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchAnswer } from '../../helpers/http.ts';
import { removeTempDir, runTs, tempDir } from '../../helpers/process.ts';
import { waitFor } from '../../helpers/redis.ts';
import { processGone, writeScripts } from '../../helpers/scripts.ts';
import { startServer } from '../../helpers/server.ts';

const dir = tempDir('hcs-commands-');
const dataDir = tempDir('hcs-data-');
const scripts = writeScripts(dir);
const allowList = join(dir, 'commands.json');
writeFileSync(
  allowList,
  JSON.stringify({ commands: { linger: { executable: scripts['spawn-grandchild'] } } }),
);
chmodSync(allowList, 0o644);
const env = {
  HCS_DATA_DIR: dataDir,
  HCS_SYSTEM_COMMANDS_FILE: allowList,
  HCS_SYSTEM_COMMANDS_ALLOW_ROOT: 'true',
};

test.after(() => {
  removeTempDir(dir);
  removeTempDir(dataDir);
});

test('a run still running when hcs stops is INTERRUPTED after the next start on the same data dir', async () => {
  const first = await startServer({ env, readyTimeoutMs: 120_000 });
  const token = await first.adminToken();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = await fetchAnswer(`${first.httpBase}/api/v1/allowedCommands/linger:run`, {
    method: 'POST',
    headers,
    body: '{}',
  });
  assert.is(started.status, 200, started.text);
  const { name, pid } = started.json as { name: string; pid: number };
  assert.ok(pid > 0);
  assert.is(await first.stop('SIGKILL'), 137);
  const second = await startServer({ env, readyTimeoutMs: 120_000 });
  try {
    const read = await fetchAnswer(`${second.httpBase}/api/v1/${name}`, {
      headers: { authorization: `Bearer ${await second.adminToken()}` },
    });
    assert.is(read.status, 200, read.text);
    assert.is(read.json.state, 'COMMAND_RUN_STATE_INTERRUPTED');
    assert.ok(read.json.endTime, 'an interrupted run has ended');
  } finally {
    await second.stop();
    // The orphaned process group outlived its server: end it.
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
    await waitFor(() => processGone(pid), 30_000, 'the orphaned run to end');
  }
});

test('a bad allow-list stops hcs serve with exit status 2 and names the entry and field', async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'commands:\n  oops:\n    executable: relative/tool\n');
  chmodSync(bad, 0o644);
  const serve = runTs('src/main.ts', ['serve'], {
    env: {
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: tempDir('hcs-data-'),
      HCS_SYSTEM_COMMANDS_FILE: bad,
    },
  });
  assert.is(await serve.exited, 2, serve.stderr.join('\n'));
  assert.match(
    serve.stderr.join('\n'),
    'HCS_SYSTEM_COMMANDS_FILE: commands.oops.executable: must be an absolute path',
  );
});

test('an allow-list inside the file sandbox is refused before anything starts', async () => {
  const serve = runTs('src/main.ts', ['serve'], {
    env: { HCS_DATA_DIR: dataDir, HCS_SYSTEM_COMMANDS_FILE: join(dataDir, 'files', 'commands.yaml') },
  });
  assert.is(await serve.exited, 2);
  assert.match(serve.stderr.join('\n'), 'must not be inside the file sandbox');
});

test.run();
