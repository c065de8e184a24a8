import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ServerProcess, startServer } from '../helpers/server.ts';

/**
 * SIGTERM over HTTP, through the process lifecycle `hcs serve` uses (tests/fixtures/slow-serve.ts
 * makes one method take 2 s): REST requests in flight are answered, `/readyz` says "draining"
 * to whoever still reaches it, and no connection holds the stop for its keep-alive time.
 */

interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP/1.1 connection driven by hand, so a request goes out exactly when the test says. */
function openConnection(port: number) {
  const socket = connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  let lastByteAt = 0;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    lastByteAt = performance.now();
  });
  const closed = once(socket, 'close').then(() => performance.now());
  return {
    send(method: string, path: string, headers: Record<string, string> = {}, body = '') {
      const lines = Object.entries({
        host: 'hcs',
        'content-length': String(Buffer.byteLength(body)),
        ...headers,
      })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`${method} ${path} HTTP/1.1\r\n${lines}\r\n${body}`);
    },
    /** Resolves when the server has closed the connection, with how long after its last byte. */
    async closedAfterLastByteMs(timeoutMs: number): Promise<number> {
      const timer = setTimeout(() => socket.destroy(), timeoutMs);
      const at = await closed;
      clearTimeout(timer);
      return at - lastByteAt;
    },
    answers(): HttpAnswer[] {
      const answers: HttpAnswer[] = [];
      let rest = received;
      for (;;) {
        const end = rest.indexOf('\r\n\r\n');
        if (end < 0) return answers;
        const [statusLine = '', ...headerLines] = rest.subarray(0, end).toString('latin1').split('\r\n');
        const headers = Object.fromEntries(
          headerLines.map((line) => {
            const colon = line.indexOf(':');
            return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
          }),
        );
        const length = Number(headers['content-length'] ?? 0);
        const body = rest.subarray(end + 4, end + 4 + length).toString('utf8');
        answers.push({ status: Number(statusLine.split(' ')[1]), headers, body });
        rest = rest.subarray(end + 4 + length);
      }
    },
  };
}

let server: ServerProcess;

test.after(async () => {
  await server?.stop();
});

test('SIGTERM: in-flight REST requests finish with 200, /readyz says draining, connections close at once', async () => {
  server = await startServer({ script: 'tests/fixtures/slow-serve.ts', args: [] });
  const slowPath = String(server.logLines().find((line) => line.msg === 'slow method')?.slowPath);
  const document = (await (await fetch(`${server.httpBase}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { operationId: string }>>;
  };
  const [service, method] = slowPath.split('/').slice(1) as [string, string];
  const operationId = `${service.split('.').pop()}_${method}`;
  const [restPath, verb] = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([, operation]) => operation.operationId === operationId)
      .map(([verb]) => [path, verb.toUpperCase()] as const),
  )[0] ?? ['', ''];
  assert.ok(restPath !== '' && !restPath.includes('{'), `a REST route of ${slowPath}: ${restPath}`);
  const slowCall = {
    authorization: `Bearer ${await server.adminToken()}`,
    'content-type': 'application/json',
  };

  // Two clients: one only waits for its slow answer; the other sends one more request on the
  // same connection once the drain has begun.
  const waiting = openConnection(server.httpPort);
  const pipelining = openConnection(server.httpPort);
  waiting.send(verb, restPath, slowCall, '{}');
  pipelining.send(verb, restPath, slowCall, '{}');
  await new Promise((resolve) => setTimeout(resolve, 300));
  server.child.kill('SIGTERM');
  await server.waitForLog((line) => line.msg === 'shutting down: draining in-flight calls');
  pipelining.send('GET', '/readyz');

  const [waitingClosedMs, pipeliningClosedMs] = await Promise.all([
    waiting.closedAfterLastByteMs(8000),
    pipelining.closedAfterLastByteMs(8000),
  ]);
  const [waited] = waiting.answers();
  assert.is(waited?.status, 200, `the in-flight request is answered: ${JSON.stringify(waited)}`);
  const [slow, readiness] = pipelining.answers();
  assert.is(slow?.status, 200, `the in-flight request is answered: ${JSON.stringify(slow)}`);
  assert.is(readiness?.status, 503, JSON.stringify(readiness));
  assert.is((JSON.parse(readiness?.body ?? '{}') as { status?: string }).status, 'draining');
  assert.is(
    readiness?.headers.connection,
    'close',
    'a request that came during the drain ends its connection',
  );
  // The keep-alive timeout is 5 s: a connection kept that long would hold the stop as long.
  assert.ok(waitingClosedMs < 1000, `the idle connection was closed ${waitingClosedMs} ms after its answer`);
  assert.ok(pipeliningClosedMs < 1000, `the connection was closed ${pipeliningClosedMs} ms after its answer`);
  assert.is(await server.exited, 0);
  assert.ok(server.logLines().some((line) => line.msg === 'hcs stopped'));
});

test.run();
