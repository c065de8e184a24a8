import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileType } from '../../../src/gen/hcs/v1/system.ts';
import { Code } from '../../../src/platform/errors/index.ts';
import { FileReason } from '../../../src/services/system/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { type FilesClient, filesClient } from './files-client.ts';

let app: TestApp;
let admin: FilesClient;
let socketServer: Server;
const specials = ['fifo', 'socket'];
// A device node needs CAP_MKNOD; where the tests run without it, the case says so and skips.
const canMknod = process.getuid?.() === 0;

test.before(async () => {
  app = await startTestApp({ env: { HCS_SYSTEM_FS_WRITE: 'true' } });
  admin = filesClient(app.grpcTarget, await app.adminToken());
  const root = join(app.dataDir, 'files');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'plain.txt'), 'plain');
  execFileSync('mkfifo', [join(root, 'fifo')]);
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(join(root, 'socket'), resolve));
  if (canMknod) {
    execFileSync('mknod', [join(root, 'null-device'), 'c', '1', '3']);
    specials.push('null-device');
  } else {
    console.log('skipping the device-node case: creating one needs root (CAP_MKNOD)');
  }
});

test.after(async () => {
  admin?.close();
  socketServer?.close();
  await app?.close();
});

test('FIFOs, sockets and device files are listed as OTHER and refused for reading and writing, without being opened', async () => {
  for (const name of specials) {
    const stat = await admin.stat(name);
    assert.ok(stat.ok, name);
    if (stat.ok) assert.is(stat.value.fileType, FileType.FILE_TYPE_OTHER, name);
    const read = await admin.read({ path: name });
    assert.ok(!read.ok, name);
    if (!read.ok) {
      assert.is(read.error.code, Code.FAILED_PRECONDITION, name);
      assert.is(read.error.reason, FileReason.SPECIAL_FILE_REFUSED, name);
    }
    const write = await admin.write({ path: name, overwrite: true }, [Buffer.from('x')]);
    assert.ok(!write.ok, name);
    if (!write.ok) assert.is(write.error.code, Code.FAILED_PRECONDITION, name);
  }
});

test('forty reads of a FIFO at once (ten times libuv threads) block nothing: the server still answers', async () => {
  const token = await app.adminToken();
  const attempts = Array.from({ length: 20 }, () => admin.read({ path: 'fifo' }));
  const restAttempts = Array.from({ length: 20 }, () =>
    fetch(`${app.httpBase}/api/v1/files:read?path=fifo`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((response) => response.status),
  );
  const outcomes = await Promise.all(attempts);
  for (const outcome of outcomes) assert.ok(!outcome.ok && outcome.error.code === Code.FAILED_PRECONDITION);
  for (const status of await Promise.all(restAttempts)) assert.is(status, 400);
  // The thread pool is free: file reads (which need it) and other calls still complete.
  const plain = await admin.read({ path: 'plain.txt' });
  assert.ok(plain.ok && plain.value.data.toString() === 'plain');
  const health = await fetch(`${app.httpBase}/readyz`);
  assert.is(health.status, 200);
});

test.run();
