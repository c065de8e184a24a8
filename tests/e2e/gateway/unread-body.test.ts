import { once } from 'node:events';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

/**
 * A request answered before its body was read to the end, on a keep-alive connection: the
 * answer reaches the client, and the next request on the same connection is answered too
 * (the rest of the body is read and dropped), unless the client keeps sending more than the
 * server will drop, in which case the connection is closed rather than read forever.
 */

const BODY_LIMIT = 256 * 1024;

let app: TestApp;
let token: string;

test.before(async () => {
  // File writes stay disabled: WriteFile refuses at once, before reading its stream.
  app = await startTestApp({ env: { HCS_HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
  token = await app.adminToken();
});

test.after(async () => {
  await app?.close();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  reusedSocket: boolean;
}

function send(
  agent: Agent | false,
  method: string,
  path: string,
  options: { body?: Buffer; headers?: Record<string, string>; chunked?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${app.httpBase}${path}`,
      { method, agent, headers: { authorization: `Bearer ${token}`, ...options.headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            reusedSocket: request.reusedSocket,
          }),
        );
      },
    );
    request.on('error', reject);
    if (options.body === undefined) request.end();
    else if (options.chunked === true) {
      // Written in pieces with no Content-Length: the body is sent chunked.
      request.write(options.body.subarray(0, 1));
      request.end(options.body.subarray(1));
    } else request.end(options.body);
  });
}

test('a raw upload refused before its body was read leaves the keep-alive connection usable', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    // Much more than the server reads before refusing, but within what it drops afterwards.
    const refused = await send(agent, 'POST', '/api/v1/files:write?path=a.bin', {
      body: Buffer.alloc(BODY_LIMIT - 1024, 0x61),
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.is(refused.status, 400, refused.body);
    assert.match(refused.body, /HCS_SYSTEM_FS_WRITE/);
    assert.is(refused.headers.connection, 'keep-alive');
    const next = await send(agent, 'GET', '/healthz');
    assert.is(next.status, 200, next.body);
    assert.ok(next.reusedSocket, 'the second request went over the same connection');
    const third = await send(agent, 'POST', '/api/v1/series:ingest', {
      body: Buffer.from('{}'),
      headers: { 'content-type': 'application/json' },
    });
    assert.is(third.status, 200, third.body);
    assert.ok(third.reusedSocket);
  } finally {
    agent.destroy();
  }
});

test('a chunked JSON body over the limit is answered 413 with Connection: close, not reset', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const body = Buffer.from(`{"name":"series/a","description":"${'x'.repeat(BODY_LIMIT)}"}`);
    const answer = await send(agent, 'POST', '/api/v1/series', {
      body,
      chunked: true,
      headers: { 'content-type': 'application/json' },
    });
    assert.is(answer.status, 413, answer.body);
    assert.match(answer.body, /BODY_TOO_LARGE/);
    assert.is(answer.headers.connection, 'close');
    const next = await send(agent, 'GET', '/healthz');
    assert.is(next.status, 200);
    assert.not.ok(next.reusedSocket, 'a closed connection is not reused');
  } finally {
    agent.destroy();
  }
});

test('an NDJSON line over the limit is answered 413, not reset', async () => {
  const answer = await send(false, 'POST', '/api/v1/series:ingestStream', {
    body: Buffer.alloc(BODY_LIMIT * 2, 0x61),
    chunked: true,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  assert.is(answer.status, 413, answer.body);
  assert.match(answer.body, /larger than/);
});

/**
 * Sends `head` and then an endless chunked body on a raw connection; resolves when the server
 * closes it, with what it answered and how much body was sent by then.
 */
async function sendEndlessBody(
  head: string,
  firstChunk: Buffer,
): Promise<{ received: string; sent: number }> {
  const url = new URL(app.httpBase);
  const socket = connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.on('error', () => undefined);
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.write(`${head}transfer-encoding: chunked\r\nauthorization: Bearer ${token}\r\n\r\n`);
  const asChunk = (piece: Buffer) =>
    Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
  socket.write(asChunk(firstChunk));
  const chunk = asChunk(Buffer.alloc(64 * 1024, 0x61));
  let sent = firstChunk.length;
  while (!socket.destroyed && sent < ENDLESS) {
    if (!socket.write(chunk))
      await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
    sent += 64 * 1024;
  }
  await closed;
  return { received, sent };
}

// Far more than the server drops after an answer (the body limit) plus what socket buffers hold.
const ENDLESS = 64 * BODY_LIMIT;

test('a client that keeps sending a refused upload past what the server drops is disconnected', async () => {
  const { received, sent } = await sendEndlessBody(
    'POST /api/v1/files:write?path=a.bin HTTP/1.1\r\nhost: hcs\r\ncontent-type: application/octet-stream\r\n',
    Buffer.alloc(1024, 0x61),
  );
  assert.match(received, /^HTTP\/1\.1 400 /);
  assert.ok(sent < ENDLESS, `the server read ${sent} bytes of a refused body`);
});

test('an NDJSON stream refused at a bad line leaves the keep-alive connection usable', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    // The reader stops at the first line; the rest is more than socket buffers take unread.
    const refused = await send(agent, 'POST', '/api/v1/series:ingestStream', {
      body: Buffer.concat([Buffer.from('not json\n'), Buffer.alloc(BODY_LIMIT - 1024, 0x20)]),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    assert.is(refused.status, 400, refused.body);
    assert.match(refused.body, /MALFORMED_JSON/);
    const next = await send(agent, 'GET', '/healthz');
    assert.is(next.status, 200, next.body);
    assert.ok(next.reusedSocket, 'the second request went over the same connection');
  } finally {
    agent.destroy();
  }
});

test('a body declared over the limit is refused before a byte of it is sent', async () => {
  const url = new URL(app.httpBase);
  const socket = connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  let received = '';
  const answered = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n\r\n')) resolve();
    });
  });
  socket.on('error', () => undefined);
  socket.write(
    `POST /api/v1/series HTTP/1.1\r\nhost: hcs\r\nauthorization: Bearer ${token}\r\n` +
      `content-type: application/json\r\ncontent-length: ${BODY_LIMIT + 1}\r\n\r\n`,
  );
  // Liveness bound, not a timing assertion: a server waiting for the body never answers.
  const gaveUp = setTimeout(() => socket.destroy(), 15_000);
  await Promise.race([answered, new Promise((resolve) => socket.once('close', resolve))]);
  clearTimeout(gaveUp);
  socket.destroy();
  assert.match(received, /^HTTP\/1\.1 413 /, 'answered without the body');
  assert.match(received, /\r\nconnection: close\r\n/i);
});

test.run();
