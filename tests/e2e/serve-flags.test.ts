import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SERVE_V8_FLAGS } from '../../src/platform/runtime-flags/index.ts';
import { startServer } from '../helpers/server.ts';

test('hcs serve runs with its V8 flags, in the same process the caller started', async () => {
  const server = await startServer();
  try {
    const pid = server.child.pid;
    assert.ok(pid !== undefined);
    // The re-executed process keeps its pid: the supervisor's pid is the server's.
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const flag of SERVE_V8_FLAGS)
      assert.ok(commandLine.includes(flag), `${flag} in ${commandLine.join(' ')}`);
    assert.is(await fetch(`${server.httpBase}/healthz`).then((response) => response.status), 200);
  } finally {
    assert.is(await server.stop(), 0);
  }
});

test.run();
