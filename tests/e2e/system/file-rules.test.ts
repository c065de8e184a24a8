import { request as httpRequest } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../src/platform/errors/index.ts';
import { FileReason } from '../../../src/services/system/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { type FilesClient, filesClient, type Outcome } from './files-client.ts';

let app: TestApp;
let admin: FilesClient;
let token: string;

const QUOTA = 1024 * 1024;

test.before(async () => {
  app = await startTestApp({
    env: { HCS_SYSTEM_FS_WRITE: 'true', HCS_SYSTEM_FS_QUOTA_BYTES: String(QUOTA) },
  });
  token = await app.adminToken();
  admin = filesClient(app.grpcTarget, token);
});

test.after(async () => {
  admin?.close();
  await app?.close();
});

function failure(outcome: Outcome<unknown>) {
  assert.ok(!outcome.ok, 'the call must fail');
  return outcome.ok ? { code: -1, reason: '', message: '' } : outcome.error;
}

function value<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`call failed: ${JSON.stringify(outcome.error)}`);
  return outcome.value;
}

const text = (content: string) => [Buffer.from(content)];

test('read-modify-write with etags: the second writer with a stale etag is ABORTED and the first update survives', async () => {
  const created = value(await admin.write({ path: 'config.json' }, text('{"v":0}')));
  const etag = created.fileInfo?.etag ?? '';
  assert.ok(etag.length > 10);
  const first = value(
    await admin.write({ path: 'config.json', expectedEtag: etag }, text('{"v":1,"by":"a"}')),
  );
  assert.is.not(first.fileInfo?.etag, etag, 'a write changes the etag');
  const second = failure(
    await admin.write({ path: 'config.json', expectedEtag: etag }, text('{"v":1,"by":"b"}')),
  );
  assert.is(second.code, Code.ABORTED);
  assert.is(second.reason, FileReason.ETAG_MISMATCH);
  const read = value(await admin.read({ path: 'config.json' }));
  assert.is(read.data.toString(), '{"v":1,"by":"a"}');
});

test('an expected etag on a missing file is ABORTED; without overwrite an existing file is ALREADY_EXISTS', async () => {
  const missing = failure(await admin.write({ path: 'nope.json', expectedEtag: 'abc' }, text('x')));
  assert.is(missing.code, Code.ABORTED);
  const exists = failure(await admin.write({ path: 'config.json' }, text('x')));
  assert.is(exists.code, Code.ALREADY_EXISTS);
  assert.is(exists.reason, FileReason.FILE_ALREADY_EXISTS);
});

test('"must not exist" create: of two concurrent creates of one path exactly one wins', async () => {
  const outcomes = await Promise.all(
    ['a', 'b', 'c', 'd'].map((who) => admin.write({ path: 'race.txt' }, text(`written by ${who}`))),
  );
  assert.is(outcomes.filter((outcome) => outcome.ok).length, 1);
  for (const outcome of outcomes) if (!outcome.ok) assert.is(outcome.error.code, Code.ALREADY_EXISTS);
});

test('delete and move honour the expected etag', async () => {
  const info = value(await admin.stat('config.json'));
  assert.is(failure(await admin.remove({ path: 'config.json', expectedEtag: 'stale' })).code, Code.ABORTED);
  assert.is(
    failure(
      await admin.move({ sourcePath: 'config.json', destinationPath: 'moved.json', expectedEtag: 'stale' }),
    ).code,
    Code.ABORTED,
  );
  const moved = value(
    await admin.move({ sourcePath: 'config.json', destinationPath: 'moved.json', expectedEtag: info.etag }),
  );
  assert.is(moved.path, 'moved.json');
  assert.is(failure(await admin.stat('config.json')).code, Code.NOT_FOUND);
  value(await admin.remove({ path: 'moved.json', expectedEtag: moved.etag }));
  assert.is(failure(await admin.stat('moved.json')).code, Code.NOT_FOUND);
});

test('a write past the quota is RESOURCE_EXHAUSTED and leaves neither the file nor a temporary file behind', async () => {
  const chunk = Buffer.alloc(256 * 1024, 7);
  const over = failure(await admin.write({ path: 'big.bin' }, [chunk, chunk, chunk, chunk, chunk]));
  assert.is(over.code, Code.RESOURCE_EXHAUSTED);
  assert.is(over.reason, FileReason.FILE_QUOTA_EXCEEDED);
  assert.is(failure(await admin.stat('big.bin')).code, Code.NOT_FOUND);
  const listing = value(await admin.list({ showHidden: true }));
  assert.equal(
    listing.files.map((file) => file.path).filter((path) => path.startsWith('.')),
    [],
    'no temporary file',
  );
  const declared = failure(await admin.write({ path: 'big.bin', expectedSizeBytes: String(QUOTA * 2) }, []));
  assert.is(
    declared.code,
    Code.RESOURCE_EXHAUSTED,
    'a declared size over the quota is refused before any byte',
  );
  // What fits still fits.
  value(await admin.write({ path: 'fits.bin' }, [chunk]));
  value(await admin.remove({ path: 'fits.bin' }));
});

test('REST: an upload whose Content-Length is over the quota is refused before its body is sent', async () => {
  // 2 MiB declared against a 1 MiB quota; only the first 64 KiB are ever sent. Without the
  // declared size the server would wait for a full megabyte to cross the quota.
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const upload = httpRequest(`${app.httpBase}/api/v1/files:write?path=declared.bin`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(2 * QUOTA),
      },
    });
    const timer = setTimeout(() => {
      upload.destroy();
      reject(new Error('no answer while the declared body was still being sent'));
    }, 10_000);
    upload.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => {
        clearTimeout(timer);
        upload.destroy();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    upload.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    upload.write(Buffer.alloc(64 * 1024, 1));
  });
  assert.is(answer.status, 429, answer.body);
  assert.match(answer.body, new RegExp(FileReason.FILE_QUOTA_EXCEEDED));
  assert.is(failure(await admin.stat('declared.bin')).code, Code.NOT_FOUND);
});

test('REST: an upload within the quota is stored whole, Content-Length and all', async () => {
  const content = Buffer.alloc(300 * 1024, 5);
  const response = await fetch(`${app.httpBase}/api/v1/files:write?path=sized.bin`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: content,
  });
  assert.is(response.status, 200, await response.clone().text());
  assert.is(((await response.json()) as { bytesWritten: string }).bytesWritten, String(content.length));
  value(await admin.remove({ path: 'sized.bin' }));
});

test('of two concurrent writes that only fit one at a time exactly one is stored; a delete gives its room back', async () => {
  const chunk = Buffer.alloc(128 * 1024, 3);
  // 640 KiB each, in chunks that arrive over time: the two streams overlap.
  async function* trickle(): AsyncGenerator<Buffer> {
    for (let index = 0; index < 5; index += 1) {
      await delay(5);
      yield chunk;
    }
  }
  const outcomes = await Promise.all([
    admin.write({ path: 'q1.bin' }, trickle()),
    admin.write({ path: 'q2.bin' }, trickle()),
  ]);
  assert.is(outcomes.filter((outcome) => outcome.ok).length, 1, 'one write is stored');
  const refused = outcomes.find((outcome) => !outcome.ok);
  assert.is(refused?.ok === false ? refused.error.reason : '', FileReason.FILE_QUOTA_EXCEEDED);
  const stored = outcomes[0]?.ok === true ? 'q1.bin' : 'q2.bin';
  assert.is(failure(await admin.stat(stored === 'q1.bin' ? 'q2.bin' : 'q1.bin')).code, Code.NOT_FOUND);
  assert.is(
    failure(await admin.write({ path: 'q3.bin' }, trickle())).reason,
    FileReason.FILE_QUOTA_EXCEEDED,
    'the stored file counts',
  );
  value(await admin.remove({ path: stored }));
  value(await admin.write({ path: 'q3.bin' }, trickle()));
  value(await admin.remove({ path: 'q3.bin' }));
});

test('a size differing from expected_size_bytes is DATA_LOSS and the target is untouched', async () => {
  const short = failure(await admin.write({ path: 'sized.txt', expectedSizeBytes: '10' }, text('12345')));
  assert.is(short.code, Code.DATA_LOSS);
  assert.is(failure(await admin.stat('sized.txt')).code, Code.NOT_FOUND);
});

test('mode is masked to 0777; directories list first, paged', async () => {
  const written = value(
    await admin.write({ path: 'dir/x.sh', createParents: true, mode: 0o7777 }, text('#!/bin/sh')),
  );
  assert.is(written.fileInfo?.mode, 0o777, 'setuid, setgid and sticky bits are dropped');
  value(await admin.mkdir({ path: 'dir/sub', mode: 0o750 }));
  value(await admin.write({ path: 'dir/a.txt' }, text('a')));
  const page1 = value(await admin.list({ directory: 'dir', pageSize: 2 }));
  assert.equal(
    page1.files.map((file) => file.path),
    ['dir/sub', 'dir/a.txt'],
  );
  const page2 = value(await admin.list({ directory: 'dir', pageSize: 2, pageToken: page1.nextPageToken }));
  assert.equal(
    page2.files.map((file) => file.path),
    ['dir/x.sh'],
  );
  assert.is(page2.nextPageToken, '');
  assert.is(failure(await admin.list({ pageToken: 'garbage!' })).code, Code.INVALID_ARGUMENT);
  assert.is(failure(await admin.remove({ path: 'dir' })).code, Code.FAILED_PRECONDITION, 'not empty');
  assert.is(failure(await admin.remove({ path: '' })).code, Code.INVALID_ARGUMENT, 'the root');
  assert.is(
    failure(await admin.move({ sourcePath: 'dir', destinationPath: 'dir/sub/inner' })).code,
    Code.INVALID_ARGUMENT,
    'into itself',
  );
  value(await admin.remove({ path: 'dir', recursive: true }));
});

test('a non-admin and an admin token without the system scopes are refused, and each refusal is audited', async () => {
  const operator = filesClient(
    app.grpcTarget,
    app.mintToken({ subject: 'users/olivia', roles: ['operator'], scopes: ['*'] }),
  );
  const unscoped = filesClient(
    app.grpcTarget,
    app.mintToken({ subject: 'users/adam', roles: ['admin'], scopes: ['devices:read'] }),
  );
  try {
    assert.is(failure(await operator.stat('')).code, Code.PERMISSION_DENIED);
    assert.is(failure(await operator.write({ path: 'x' }, text('x'))).code, Code.PERMISSION_DENIED);
    assert.is(failure(await unscoped.read({ path: 'race.txt' })).code, Code.PERMISSION_DENIED);
  } finally {
    operator.close();
    unscoped.close();
  }
  const denied = auditLines().filter((line) => line.outcome === 'denied');
  assert.ok(
    denied.some((line) => line.actor === 'users/olivia' && line.action === 'hcs.v1.SystemService.StatFile'),
  );
  assert.ok(
    denied.some((line) => line.actor === 'users/olivia' && line.action === 'hcs.v1.SystemService.WriteFile'),
  );
  assert.ok(
    denied.some((line) => line.actor === 'users/adam' && line.action === 'hcs.v1.SystemService.ReadFile'),
  );
});

test('every file call, refusals included, is audited with actor, arguments, outcome and request id', async () => {
  const before = auditLines().length;
  failure(await admin.read({ path: '../etc/passwd' }));
  failure(await admin.write({ path: 'race.txt', expectedEtag: 'stale' }, text('x')));
  value(await admin.stat('race.txt'));
  const lines = auditLines().slice(before);
  assert.is(lines.length, 3);
  const [escaping, conflict, stat] = lines as AuditLine[];
  assert.is(escaping?.action, 'hcs.v1.SystemService.ReadFile');
  assert.is(escaping?.outcome, 'failure');
  assert.is(escaping?.details.path, '../etc/passwd');
  assert.is(escaping?.details.reason, FileReason.INVALID_FILE_PATH);
  assert.is(conflict?.statusCode, Code.ABORTED);
  assert.is(conflict?.details.expected_etag, 'stale');
  assert.is(stat?.outcome, 'success');
  for (const line of lines) {
    assert.is(line.actor, 'users/admin');
    assert.ok(line.requestId.length > 0);
    assert.is(line.category, 'system');
  }
});

interface AuditLine {
  actor: string;
  action: string;
  outcome: string;
  category: string;
  statusCode: number;
  requestId: string;
  details: Record<string, string>;
}

function auditLines(): AuditLine[] {
  return app.logs
    .map((line) => line.audit as AuditLine | undefined)
    .filter((audit): audit is AuditLine => audit?.action.startsWith('hcs.v1.SystemService.') === true);
}

test.run();
