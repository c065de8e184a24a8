import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/platform/config/index.ts';
import { compileCacheDir } from '../../src/platform/runtime-flags/index.ts';
import { tempDir } from '../helpers/process.ts';
import { startServer } from '../helpers/server.ts';

const test = suite('compile cache of hcs serve');

test('the cache sits in the data directory the configuration resolves, its default included', () => {
  const cwd = tempDir();
  assert.is(compileCacheDir({}, cwd), join(loadConfig({ env: {}, cwd }).dataDir, 'compile-cache'));
  assert.is(compileCacheDir({ HCS_DATA_DIR: '/var/lib/hcs' }, cwd), '/var/lib/hcs/compile-cache');
});

test('a serving server has written its compile cache into the data directory', async () => {
  const server = await startServer();
  try {
    const cache = join(server.dataDir, 'compile-cache');
    // Written once the server serves (with the heap given back, 1 s after start).
    for (let waited = 0; waited < 60_000 && !hasEntries(cache); waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(hasEntries(cache), `no compile cache in ${cache}`);
  } finally {
    await server.stop();
  }
});

test('a compile cache that cannot be created does not stop the server', async () => {
  // A regular file where the directory should be: Node.js cannot create the cache.
  const server = await startServer({
    env: { NODE_COMPILE_CACHE: join(import.meta.dirname, 'compile-cache.test.ts') },
  });
  try {
    const health = await fetch(`http://127.0.0.1:${server.httpPort}/healthz`);
    assert.is(health.status, 200);
  } finally {
    await server.stop();
  }
});

function hasEntries(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir, { recursive: true }).length > 1;
}

test.run();
