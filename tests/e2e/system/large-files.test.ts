import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { credentials, Metadata } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemServiceClient, type WriteFileRequest } from '../../../src/gen/hcs/v1/system.ts';
import { TEST_CHANNEL_OPTIONS } from '../../helpers/channel-options.ts';
import { removeTempDir, tempDir } from '../../helpers/process.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';

// 100 MiB each way, on both transports, hashed on the fly: neither side may hold the file.
const MiB = 1024 * 1024;
const SIZE = 100 * MiB;
const CHUNK = MiB;
// Each transfer runs on a server process of its own (see rssGrowthOnFreshServer) and only its
// memory is measured: its peak RSS during the transfer, as the kernel keeps it. Chunks already
// handled but not yet collected count too, so a streaming server still grows: V8 collects the
// 1 MiB chunk buffers only once their external memory passes its own threshold (tens of MiB),
// and a gRPC download allocates each chunk four times (read, protobuf writer, the generated
// serializer's Buffer.from, grpc-js's frame). Measured streaming: REST 11-15 MiB each way, gRPC
// upload ~65, gRPC download 115-138; with the server holding the file whole, ~100 MiB more (REST
// download 102, gRPC download 220). Each bound sits between the two.
const MAX_RSS_GROWTH = { restEachWay: 48 * MiB, grpcUpload: 128 * MiB, grpcDownload: 180 * MiB };

const EMPTY: WriteFileRequest = {
  path: '',
  mode: 0,
  overwrite: false,
  createParents: false,
  expectedEtag: '',
  body: undefined,
};

const dataDir = tempDir('hcs-large-files-');
let app: ServerProcess | undefined;
let token: string;
const seed = randomBytes(CHUNK);

/** The test content, chunk by chunk: the seed with the chunk index stamped in, so order matters. */
function* content(): Generator<Buffer> {
  for (let index = 0; index < SIZE / CHUNK; index += 1) {
    const chunk = Buffer.from(seed);
    chunk.writeUInt32BE(index, 0);
    yield chunk;
  }
}

const expectedSha256 = (() => {
  const hash = createHash('sha256');
  for (const chunk of content()) hash.update(chunk);
  return hash.digest('hex');
})();

/**
 * How much a server's resident memory peaked above where it stood when `work` began, on a server
 * started for `work` alone (the same data directory throughout): a process that already moved
 * 100 MiB keeps the memory it freed, and a later transfer holding its file whole could grow into
 * those pages unseen (a REST transfer after the gRPC ones measured ~0 MiB of growth that way).
 * Linux keeps the peak (VmHWM) and resets it to the current size on request (clear_refs 5), so no
 * sampling can miss a spike; where the reset is refused, /proc is sampled every 20 ms instead.
 */
async function rssGrowthOnFreshServer(work: (server: ServerProcess) => Promise<void>): Promise<number> {
  await app?.stop();
  const server = await startServer({ env: { HCS_SYSTEM_FS_WRITE: 'true', HCS_DATA_DIR: dataDir } });
  app = server;
  token = await server.adminToken();
  const pid = server.child.pid as number;
  const status = (field: 'VmRSS' | 'VmHWM') => {
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    )?.[1];
    if (kib === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(kib) * 1024;
  };
  let kernelPeak = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    kernelPeak = false;
  }
  const start = status('VmRSS');
  let peak = start;
  const timer = kernelPeak
    ? undefined
    : setInterval(() => {
        peak = Math.max(peak, status('VmRSS'));
      }, 20);
  try {
    await work(server);
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, status(kernelPeak ? 'VmHWM' : 'VmRSS')) - start;
}

/** A SystemService client of `server` and the metadata carrying the admin's token. */
function grpcClientOf(server: ServerProcess) {
  const client = new SystemServiceClient(
    server.grpcTarget,
    credentials.createInsecure(),
    TEST_CHANNEL_OPTIONS,
  );
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return { client, metadata };
}

test.after(async () => {
  await app?.stop();
  removeTempDir(dataDir);
});

test('100 MiB up and down over gRPC in 1 MiB chunks: SHA-256 matches, memory stays bounded', async () => {
  let uploaded: { sha256: string; bytesWritten: string } | undefined;
  const uploadGrowth = await rssGrowthOnFreshServer(async (server) => {
    const { client, metadata } = grpcClientOf(server);
    try {
      uploaded = await new Promise((resolve, reject) => {
        const call = client.writeFile(metadata, { deadline: Date.now() + 300_000 }, (error, response) =>
          error === null ? resolve(response) : reject(error),
        );
        void (async () => {
          call.write({ ...EMPTY, path: 'big/grpc.bin', createParents: true });
          for (const data of content()) {
            const message: WriteFileRequest = { ...EMPTY, body: { contentType: '', data, extensions: [] } };
            if (!call.write(message)) await once(call, 'drain');
          }
          call.end();
        })();
      });
    } finally {
      client.close();
    }
  });
  assert.is(uploaded?.sha256, expectedSha256);
  assert.is(uploaded?.bytesWritten, String(SIZE));
  const hash = createHash('sha256');
  let received = 0;
  const downloadGrowth = await rssGrowthOnFreshServer(async (server) => {
    const { client, metadata } = grpcClientOf(server);
    try {
      const call = client.readFile(
        { path: 'big/grpc.bin', offset: '0', length: '0', chunkSize: CHUNK },
        metadata,
        { deadline: Date.now() + 300_000 },
      );
      for await (const message of call) {
        hash.update(message.body.data);
        received += message.body.data.length;
      }
    } finally {
      client.close();
    }
  });
  assert.is(received, SIZE);
  assert.is(hash.digest('hex'), expectedSha256);
  console.log(`gRPC 100 MiB: RSS growth upload ${mib(uploadGrowth)}, download ${mib(downloadGrowth)}`);
  assert.ok(uploadGrowth < MAX_RSS_GROWTH.grpcUpload, `upload grew RSS by ${mib(uploadGrowth)}`);
  assert.ok(downloadGrowth < MAX_RSS_GROWTH.grpcDownload, `download grew RSS by ${mib(downloadGrowth)}`);
});

test('100 MiB up and down over REST as raw bytes: SHA-256, Content-Length, ETag; memory stays bounded', async () => {
  let uploadText = '';
  let uploadStatus = 0;
  const uploadGrowth = await rssGrowthOnFreshServer(async (server) => {
    const response = await fetch(
      `${server.httpBase}/api/v1/files:write?path=big/rest.bin&createParents=true`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: ReadableStream.from(content()),
        duplex: 'half',
      } as RequestInit,
    );
    uploadStatus = response.status;
    uploadText = await response.text();
  });
  assert.is(uploadStatus, 200, uploadText);
  const uploaded = JSON.parse(uploadText) as {
    sha256: string;
    bytesWritten: string;
    fileInfo: { etag: string };
  };
  assert.is(uploaded.sha256, expectedSha256);
  assert.is(uploaded.bytesWritten, String(SIZE));
  const hash = createHash('sha256');
  let received = 0;
  let headers: Headers | undefined;
  const downloadGrowth = await rssGrowthOnFreshServer(async (server) => {
    const response = await fetch(`${server.httpBase}/api/v1/files:read?path=big/rest.bin`, {
      headers: { authorization: `Bearer ${token}` },
    });
    headers = response.headers;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.length;
    }
  });
  assert.is(headers?.get('content-type'), 'application/octet-stream');
  assert.is(headers?.get('content-length'), String(SIZE));
  assert.is(headers?.get('etag'), `"${uploaded.fileInfo.etag}"`);
  assert.is(headers?.get('accept-ranges'), 'bytes');
  assert.is(received, SIZE);
  assert.is(hash.digest('hex'), expectedSha256);
  console.log(`REST 100 MiB: RSS growth upload ${mib(uploadGrowth)}, download ${mib(downloadGrowth)}`);
  assert.ok(uploadGrowth < MAX_RSS_GROWTH.restEachWay, `upload grew RSS by ${mib(uploadGrowth)}`);
  assert.ok(downloadGrowth < MAX_RSS_GROWTH.restEachWay, `download grew RSS by ${mib(downloadGrowth)}`);
});

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

test.run();
