import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp } from '../helpers/app.ts';
import { runTs } from '../helpers/process.ts';
import { startServer } from '../helpers/server.ts';

/**
 * The helpers clean up after themselves: a full run starts hundreds of apps and processes, and
 * each used to leave its folders in the OS temp dir. The helpers here make their folders in a
 * temp dir of this file's own (TMPDIR), so other runs on the machine cannot blur the count.
 */

let ownTmp = '';
let savedTmp: string | undefined;

test.before(() => {
  ownTmp = mkdtempSync(join(tmpdir(), 'hcs-tmpdir-check-'));
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = ownTmp;
});

test.after(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(ownTmp, { recursive: true, force: true });
});

const hcsFolders = () => readdirSync(ownTmp).filter((name) => name.startsWith('hcs-'));

test('startTestApp keeps its folders in the temp dir while it runs, and none once closed', async () => {
  assert.equal(hcsFolders(), []);
  const app = await startTestApp();
  try {
    assert.ok(app.dataDir.startsWith(ownTmp), 'the helper uses the OS temp dir');
    assert.ok(hcsFolders().length >= 1);
  } finally {
    await app.close();
  }
  assert.equal(hcsFolders(), []);
});

test('startServer leaves no folder once the server has stopped', async () => {
  const server = await startServer();
  try {
    assert.ok(existsSync(server.dataDir));
    assert.ok(hcsFolders().length >= 2, 'a data dir and a working dir');
  } finally {
    assert.is(await server.stop(), 0);
  }
  assert.equal(hcsFolders(), []);
});

test('startServer keeps a data dir the caller gave, for a second server on it', async () => {
  const dataDir = join(ownTmp, 'given-data');
  const server = await startServer({ env: { HCS_DATA_DIR: dataDir } });
  assert.is(server.dataDir, dataDir);
  assert.is(await server.stop(), 0);
  assert.ok(existsSync(join(dataDir, 'secret.key')), 'what the server wrote is still there');
  assert.equal(hcsFolders(), []);
  rmSync(dataDir, { recursive: true });
});

test('runTs removes the working dir it made once the process has exited', async () => {
  const run = runTs('src/main.ts', ['--help']);
  assert.is(hcsFolders().length, 1);
  assert.is(await run.exited, 0);
  assert.equal(hcsFolders(), []);
});

test.run();
