import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../src/platform/errors/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { type FilesClient, filesClient } from './files-client.ts';

let app: TestApp;
let files: FilesClient;

test.before(async () => {
  app = await startTestApp({ env: { HCS_SYSTEM_FS_WRITE: 'true' } });
  files = filesClient(app.grpcTarget, await app.adminToken());
});

test.after(async () => {
  files?.close();
  await app?.close();
});

test('a file written over gRPC reads back with its sha256, etag and metadata', async () => {
  const content = Buffer.from('hello sandbox\n');
  const written = await files.write({ path: 'notes/hello.txt', createParents: true, mode: 0o600 }, [content]);
  assert.ok(written.ok, JSON.stringify(written));
  if (!written.ok) return;
  assert.is(written.value.sha256, createHash('sha256').update(content).digest('hex'));
  assert.is(written.value.bytesWritten, String(content.length));
  assert.is(written.value.fileInfo?.mode, 0o600);
  const read = await files.read({ path: 'notes/hello.txt' });
  assert.ok(read.ok, JSON.stringify(read));
  if (!read.ok) return;
  assert.equal(read.value.data, content);
  assert.is(read.value.info?.etag, written.value.fileInfo?.etag);
  assert.is(read.value.headers.get('etag')[0], `"${written.value.fileInfo?.etag}"`);
  const stat = await files.stat('notes/hello.txt');
  assert.ok(stat.ok);
  if (stat.ok) assert.is(stat.value.sizeBytes, String(content.length));
});

test('a second create of the same path without overwrite is ALREADY_EXISTS and keeps the first content', async () => {
  const again = await files.write({ path: 'notes/hello.txt' }, [Buffer.from('other')]);
  assert.ok(!again.ok);
  if (!again.ok) assert.is(again.error.code, Code.ALREADY_EXISTS);
  const read = await files.read({ path: 'notes/hello.txt' });
  if (read.ok) assert.is(read.value.data.toString(), 'hello sandbox\n');
});

test.run();
