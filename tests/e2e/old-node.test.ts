import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { delimiter, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  formatNodeRange,
  SUPPORTED_NODE,
  satisfiesNodeRange,
} from '../../src/platform/node-version/index.ts';
import { ROOT, tempDir, watch } from '../helpers/process.ts';

/**
 * `hcs serve` under a Node.js older than package.json's engines: it must say which Node it
 * needs and exit 1 before loading anything (native better-sqlite3 built for Node 24 crashes an
 * older Node with a segmentation fault). Runs when the machine has such a Node that can load
 * TypeScript through tsx (Debian's /usr/bin/node 20 here); otherwise it is skipped with the
 * reason, in CI too: which Node versions a machine has is not something hcs can fix.
 */

const TSX = import.meta.resolve('tsx');

interface OlderNode {
  path: string;
  version: string;
}

function findOlderNode(): OlderNode | undefined {
  const candidates = new Set(
    [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin']
      .map((dir) => join(dir, 'node'))
      .filter((path) => existsSync(path)),
  );
  for (const path of candidates) {
    try {
      const version = execFileSync(path, ['--import', TSX, '-p', 'process.versions.node'], {
        encoding: 'utf8',
        timeout: 20_000,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      if (!satisfiesNodeRange(version, SUPPORTED_NODE)) return { path, version };
    } catch {
      // Not a Node that runs tsx (too old for --import, or broken): not a candidate.
    }
  }
  return undefined;
}

function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

const older = findOlderNode();
if (older === undefined) {
  console.log(
    `skipped: hcs serve on an unsupported Node.js — no Node.js outside ${SUPPORTED_NODE} that runs tsx on this machine ` +
      '(a property of the machine, not a failure of hcs, so CI=true does not turn it into one)',
  );
} else {
  const { path, version } = older;
  test(`hcs serve on Node ${version} says it needs ${SUPPORTED_NODE} and exits 1 having loaded nothing`, async () => {
    // Hold the ports it would use: a server that got as far as listening would fail differently.
    const grpc = await holdPort();
    const http = await holdPort();
    const dataDir = tempDir('hcs-data-');
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HCS_')));
    const child = spawn(path, ['--import', TSX, join(ROOT, 'src/main.ts'), 'serve'], {
      cwd: tempDir(),
      env: {
        ...env,
        HCS_HOST: '127.0.0.1',
        HCS_GRPC_PORT: String(grpc.port),
        HCS_HTTP_PORT: String(http.port),
        HCS_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run = watch(child);
    const code = await run.exited;
    grpc.server.close();
    http.server.close();
    assert.is(code, 1, `exit code (139 is the segmentation fault)\nstderr:\n${run.stderr.join('\n')}`);
    assert.equal(
      run.stderr.filter((line) => line !== ''),
      [
        `hcs needs Node.js ${formatNodeRange(SUPPORTED_NODE)} (package.json engines); this is Node ${version}`,
      ],
    );
    // No log line, no generated secret, no database file: nothing past the check ran.
    assert.equal(
      run.stdout.filter((line) => line !== ''),
      [],
    );
    assert.equal(readdirSync(dataDir), []);
  });
}

test.run();
