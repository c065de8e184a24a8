import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Whether a fresh Node.js process that runs `code` (an ES module) ends up with undici loaded. */
function loadsUndici(code: string): boolean {
  const output = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `${code}\nprocess.stdout.write(String(process.moduleLoadList.some((name) => name.includes('undici'))));`,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  // Written raw: console.log would colour it under a test runner that forces colours.
  return output.endsWith('true');
}

test('loading the server and its commands does not load undici (fetch, WebSocket): ~13 MB unused', () => {
  // The control: an ES module import of node:http does load it, so the check below can fail.
  assert.ok(loadsUndici("import 'node:http';"), 'the control no longer loads undici');
  assert.not.ok(
    loadsUndici("await import('./src/app.ts'); await import('./src/cli/index.ts');"),
    'something imports node:http as an ES module (use nodeHttp from platform/net)',
  );
});

test.run();
