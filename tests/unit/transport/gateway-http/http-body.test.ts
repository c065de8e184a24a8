import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  httpBodyFieldOf,
  httpBodyOfOutput,
  readRawBody,
  sendHttpBody,
} from '../../../../src/transport/gateway/http-body.ts';
import type { CallContext } from '../../../../src/transport/rpc/index.ts';
import { loadContract } from '../../../../src/transport/rpc/index.ts';

const { registry } = loadContract();
const message = (name: string) => {
  const desc = registry.getMessage(name);
  if (desc === undefined) throw new Error(name);
  return desc;
};

test('HttpBody fields are found by the rule that names them, and only those', () => {
  assert.is(httpBodyFieldOf(message('hcs.v1.WriteFileRequest'), 'body')?.localName, 'body');
  assert.is(httpBodyFieldOf(message('hcs.v1.WriteFileRequest'), 'path'), undefined);
  assert.is(httpBodyFieldOf(message('hcs.v1.WriteFileRequest'), '*'), undefined);
  assert.ok(httpBodyOfOutput(message('hcs.v1.ReadFileResponse'), 'body'));
  assert.is(httpBodyOfOutput(message('hcs.v1.ReadFileResponse'), undefined), undefined);
  assert.is(httpBodyOfOutput(message('hcs.v1.StatFileResponse'), 'file_info'), undefined);
  // A method answering google.api.HttpBody itself (as an export would) is raw as a whole.
  const whole = httpBodyOfOutput(message('google.api.HttpBody'), undefined);
  assert.ok(whole);
  assert.equal(whole?.({ contentType: 'text/csv', data: Buffer.from('a,b') }), {
    contentType: 'text/csv',
    data: Buffer.from('a,b'),
  });
});

/** Serves one handler on a loopback port for the length of `run`. */
async function withServer(
  handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  run: (base: string) => Promise<void>,
): Promise<void> {
  const server: Server = createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      response.writeHead(500);
      response.end(String((error as Error).message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
}

function fakeContext(headers: Record<string, string>): CallContext {
  return {
    requestId: 'req-1',
    responseHeaders: new Map(Object.entries(headers)),
    signal: new AbortController().signal,
  } as unknown as CallContext;
}

test('a raw answer takes its type from the first message, entity headers as themselves, others as Grpc-Metadata-*', async () => {
  async function* messages() {
    yield { contentType: 'text/csv', data: Buffer.from('t,v\n') };
    yield { contentType: '', data: Buffer.from('1,2\n') };
  }
  await withServer(
    (request, response) =>
      sendHttpBody(
        request,
        response,
        fakeContext({ etag: '"x"', 'content-disposition': 'attachment', 'x-rows': '1' }),
        messages(),
        (item) => item as { contentType: string; data: Uint8Array },
      ),
    async (base) => {
      const response = await fetch(base);
      assert.is(response.status, 200);
      assert.is(response.headers.get('content-type'), 'text/csv');
      assert.is(response.headers.get('etag'), '"x"');
      assert.is(response.headers.get('content-disposition'), 'attachment');
      assert.is(response.headers.get('grpc-metadata-x-rows'), '1');
      assert.is(response.headers.get('x-request-id'), 'req-1');
      assert.is(await response.text(), 't,v\n1,2\n');
    },
  );
});

test('an error after the headers cuts the body off instead of ending it as if complete', async () => {
  async function* failing() {
    yield { contentType: 'application/octet-stream', data: Buffer.from('partial') };
    throw new Error('disk went away');
  }
  await withServer(
    (request, response) =>
      sendHttpBody(request, response, fakeContext({}), failing(), (item) => item as never),
    async (base) => {
      // Cut before or after the headers reached the client: either way it fails, never completes.
      const outcome = await fetch(base)
        .then((response) => response.text())
        .then(
          () => 'complete',
          () => 'cut off',
        );
      assert.is(outcome, 'cut off');
    },
  );
});

test('a raw request body arrives in chunks and is refused past the limit as a total', async () => {
  await withServer(
    async (request, response) => {
      let total = 0;
      let chunks = 0;
      for await (const chunk of readRawBody(request, 100_000)) {
        total += chunk.length;
        chunks += 1;
      }
      response.end(JSON.stringify({ total, chunks }));
    },
    async (base) => {
      const small = await fetch(base, { method: 'POST', body: Buffer.alloc(50_000) });
      const { total } = (await small.json()) as { total: number };
      assert.is(total, 50_000);
      const empty = await fetch(base, { method: 'POST' });
      assert.equal(await empty.json(), { total: 0, chunks: 1 }, 'an empty body is one empty chunk');
      const large = await fetch(base, { method: 'POST', body: Buffer.alloc(200_000) });
      assert.is(large.status, 500);
      assert.match(await large.text(), 'larger than 100000 bytes');
      // Sent as a stream, with no Content-Length to refuse up front: counted as it arrives.
      const streamed = await fetch(base, {
        method: 'POST',
        body: new Blob([Buffer.alloc(150_000)]).stream(),
        duplex: 'half',
      } as RequestInit);
      assert.is(streamed.status, 500);
      assert.match(await streamed.text(), 'larger than 100000 bytes');
    },
  );
});

test.run();
