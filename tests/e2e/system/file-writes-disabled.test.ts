import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../src/platform/errors/index.ts';
import { FileReason } from '../../../src/services/system/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { type FilesClient, filesClient, type Outcome } from './files-client.ts';

let app: TestApp;
let admin: FilesClient;

test.before(async () => {
  app = await startTestApp(); // HCS_SYSTEM_FS_WRITE left at its default
  admin = filesClient(app.grpcTarget, await app.adminToken());
  mkdirSync(join(app.dataDir, 'files'), { recursive: true });
  writeFileSync(join(app.dataDir, 'files', 'kept.txt'), 'kept');
});

test.after(async () => {
  admin?.close();
  await app?.close();
});

function assertDisabled(outcome: Outcome<unknown>, what: string): void {
  assert.ok(!outcome.ok, what);
  if (outcome.ok) return;
  assert.is(outcome.error.code, Code.FAILED_PRECONDITION, what);
  assert.is(outcome.error.reason, FileReason.FILE_WRITES_DISABLED, what);
  assert.match(outcome.error.message, 'HCS_SYSTEM_FS_WRITE=true', `${what} says how to enable writes`);
}

test('by default every change is FAILED_PRECONDITION naming HCS_SYSTEM_FS_WRITE; reads still work', async () => {
  assertDisabled(await admin.write({ path: 'new.txt' }, [Buffer.from('x')]), 'write');
  assertDisabled(await admin.write({ path: 'kept.txt', overwrite: true }, [Buffer.from('x')]), 'overwrite');
  assertDisabled(await admin.remove({ path: 'kept.txt' }), 'delete');
  assertDisabled(await admin.mkdir({ path: 'dir' }), 'mkdir');
  assertDisabled(await admin.move({ sourcePath: 'kept.txt', destinationPath: 'moved.txt' }), 'move');
  const read = await admin.read({ path: 'kept.txt' });
  assert.ok(read.ok && read.value.data.toString() === 'kept');
});

test('over REST a refused raw upload is 400 with the same reason, and the refusal is audited', async () => {
  const response = await fetch(`${app.httpBase}/api/v1/files:write?path=new.txt`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await app.adminToken()}`,
      'content-type': 'application/octet-stream',
    },
    body: Buffer.from('payload'),
  });
  assert.is(response.status, 400);
  assert.match(await response.text(), FileReason.FILE_WRITES_DISABLED);
  const audited = app.logs.filter(
    (line) =>
      (line.audit as { action?: string; outcome?: string } | undefined)?.action ===
        'hcs.v1.SystemService.WriteFile' && (line.audit as { outcome?: string }).outcome === 'failure',
  );
  assert.ok(audited.length >= 3, 'gRPC and REST refusals are audited');
});

test.run();
