import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let app: TestApp;
let token: string;
const CONTENT = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz'); // 36 bytes

test.before(async () => {
  app = await startTestApp({ env: { HCS_SYSTEM_FS_WRITE: 'true' } });
  token = await app.adminToken();
  const response = await fetch(`${app.httpBase}/api/v1/files:write?path=abc.txt`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
    body: CONTENT,
  });
  assert.is(response.status, 200, await response.text());
});

test.after(async () => {
  await app?.close();
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return fetch(`${app.httpBase}/api/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
}

// Range, expected status, expected body, expected Content-Range.
const RANGES: [string, number, string, string | null][] = [
  ['bytes=0-9', 206, '0123456789', 'bytes 0-9/36'],
  ['bytes=30-', 206, 'uvwxyz', 'bytes 30-35/36'],
  ['bytes=-4', 206, 'wxyz', 'bytes 32-35/36'],
  ['bytes=10-1000', 206, 'abcdefghijklmnopqrstuvwxyz', 'bytes 10-35/36'],
  ['bytes=-100', 206, CONTENT.toString(), 'bytes 0-35/36'],
  ['bytes=35-35', 206, 'z', 'bytes 35-35/36'],
  // Several ranges, another unit or nonsense: ignored, the whole file (RFC 9110 §14.2).
  ['bytes=0-1,5-6', 200, CONTENT.toString(), null],
  ['items=0-1', 200, CONTENT.toString(), null],
  ['bytes=9-3', 200, CONTENT.toString(), null],
];

test('single ranges are 206 with Content-Range; suffixes count from the end; others get the whole file', async () => {
  for (const [range, status, body, contentRange] of RANGES) {
    const response = await get('files:read?path=abc.txt', { range });
    assert.is(response.status, status, range);
    assert.is(await response.text(), body, range);
    assert.is(response.headers.get('content-range'), contentRange, range);
    assert.is(response.headers.get('content-length'), String(Buffer.byteLength(body)), range);
  }
});

test('a range past the end is 416 with Content-Range bytes */size and a Status body', async () => {
  for (const range of ['bytes=36-', 'bytes=1000-2000', 'bytes=-0']) {
    const response = await get('files:read?path=abc.txt', { range });
    assert.is(response.status, 416, range);
    assert.is(response.headers.get('content-range'), 'bytes */36', range);
    assert.match(await response.text(), 'RANGE_NOT_SATISFIABLE');
  }
});

test('HEAD answers the download headers without a body; the ETag matches StatFile', async () => {
  const head = await get('files:read?path=abc.txt', {}, 'HEAD');
  assert.is(head.status, 200);
  assert.is(head.headers.get('content-length'), '36');
  assert.is(await head.text(), '');
  const stat = (await (await get('files:stat?path=abc.txt')).json()) as { etag: string; sizeBytes: string };
  assert.is(head.headers.get('etag'), `"${stat.etag}"`);
  assert.is(stat.sizeBytes, '36');
  assert.ok(head.headers.get('last-modified'));
});

test('a raw upload over the raw body limit is 413 and leaves nothing', async () => {
  const small = await startTestApp({
    env: { HCS_SYSTEM_FS_WRITE: 'true', HCS_HTTP_RAW_BODY_LIMIT_BYTES: '1000' },
  });
  try {
    const response = await fetch(`${small.httpBase}/api/v1/files:write?path=big.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await small.adminToken()}` },
      body: Buffer.alloc(5000),
    });
    assert.is(response.status, 413);
    const stat = await fetch(`${small.httpBase}/api/v1/files:stat?path=big.bin`, {
      headers: { authorization: `Bearer ${await small.adminToken()}` },
    });
    assert.is(stat.status, 404);
  } finally {
    await small.close();
  }
});

test('an empty raw upload makes an empty file; the upload options come from the query', async () => {
  const response = await fetch(`${app.httpBase}/api/v1/files:write?path=empty.txt&mode=384`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.is(response.status, 200);
  const written = (await response.json()) as { bytesWritten: string; fileInfo: { mode: number } };
  assert.is(written.bytesWritten, '0');
  assert.is(written.fileInfo.mode, 0o600);
  const read = await get('files:read?path=empty.txt');
  assert.is(read.status, 200);
  assert.is(read.headers.get('content-length'), '0');
  assert.is(await read.text(), '');
});

test('an upload the client abandons midway leaves neither the file nor a temporary file', async () => {
  const controller = new AbortController();
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(stream) {
      sent += 1;
      if (sent === 20) {
        // Give the server time to take the chunks, then go away mid-body.
        setTimeout(() => controller.abort(), 200);
        return new Promise(() => undefined);
      }
      stream.enqueue(Buffer.alloc(64 * 1024, sent));
    },
  });
  const upload = fetch(`${app.httpBase}/api/v1/files:write?path=abandoned.bin`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body,
    duplex: 'half',
    signal: controller.signal,
  } as RequestInit);
  await upload.then(
    () => assert.unreachable('the upload was aborted'),
    () => undefined,
  );
  // The server notices the reset and cleans up on its own schedule: wait for it, generously.
  const deadline = Date.now() + 30_000;
  let names: string[] = [];
  for (;;) {
    const listing = (await (await get('files?showHidden=true')).json()) as { files: { path: string }[] };
    names = listing.files.map((file) => file.path);
    const audited = app.logs.some(
      (line) =>
        (line.audit as { details?: { path?: string } } | undefined)?.details?.path === 'abandoned.bin',
    );
    if (audited || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.not.ok(names.includes('abandoned.bin'), 'no file');
  assert.equal(
    names.filter((name) => name.startsWith('.')),
    [],
    'no temporary file',
  );
});

test('the OpenAPI document describes the raw download and upload as binary bodies', async () => {
  const document = (await (await fetch(`${app.httpBase}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  const read = document.paths['/api/v1/files:read']?.get as {
    responses: Record<string, { content: Record<string, { schema: { format: string } }> }>;
  };
  assert.is(read.responses['200']?.content['*/*']?.schema.format, 'binary');
  assert.ok(read.responses['206']);
  const write = document.paths['/api/v1/files:write']?.post as {
    requestBody: { content: Record<string, { schema: { format: string } }> };
    parameters: { name: string }[];
  };
  assert.is(write.requestBody.content['*/*']?.schema.format, 'binary');
  assert.ok(write.parameters.some((parameter) => parameter.name === 'path'));
});

test.run();
