import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRouteTable } from '../../../src/transport/gateway/routing/index.ts';
import { loadContract } from '../../../src/transport/rpc/index.ts';
import { type RawGrpc, rawGrpc } from '../../helpers/raw-grpc.ts';
import { type ServerProcess, startServer } from '../../helpers/server.ts';
import { type GrpcCase, grpcCorpus } from './grpc-corpus.ts';
import { type RestCase, restCorpus } from './rest-corpus.ts';

/**
 * Every method of the contract, read from the descriptors, and every REST route of the route
 * table, gets a corpus of bad input (see `grpc-corpus.ts`, `rest-corpus.ts`) on a real server
 * running as a child process. No answer may be INTERNAL / UNKNOWN or an HTTP 5xx other than 501
 * (most services answer UNIMPLEMENTED until built, which is fine), every answer must be
 * readable (a status, headers under 4 KiB), and the process must still serve afterwards with
 * its resident memory back near where it started.
 *
 * Memory: the corpus runs three times, and RSS is read from /proc (no GC forced) after a 2 s
 * pause following each run. The first run takes the heap to the high-water mark the largest
 * requests need (100 000-element lists are within the contract's limits; a 4 MiB body decodes
 * to some 60 MiB of objects, and V8 and malloc keep the pages they grew to, which is no leak).
 * Where that mark settles depends on how the large requests happened to overlap, so one later
 * run may still raise it; a cost per bad request would raise RSS in every run. So the smaller
 * growth of the two later runs may be at most {@link RSS_GROWTH_BOUND_MB} MiB, and both
 * together twice that. The server gets an edge box's heap budget
 * ({@link SERVER_HEAP}), so V8 collects as it would there instead of growing into the test
 * machine's memory.
 */

const RSS_GROWTH_BOUND_MB = 48;
/** The V8 heap of the server: the size of a small edge box's budget, not the test machine's. */
const SERVER_HEAP = '--max-old-space-size=160 --max-semi-space-size=8';
const MAX_HEADER_BYTES = 4096;
const CONCURRENCY = 8;
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

const contract = loadContract();
const routes = createRouteTable(contract).routes;

let server: ServerProcess;
let grpc: RawGrpc;
let token = '';
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

test.before(async () => {
  server = await startServer({ env: { NODE_OPTIONS: SERVER_HEAP } });
  grpc = rawGrpc(server.grpcTarget);
  token = await server.adminToken();
});

test.after(async () => {
  grpc?.close();
  agent.destroy();
  await server?.stop();
});

/** What went wrong with one answer, or undefined when it is acceptable. */
type Verdict = string | undefined;

async function sendGrpc(item: GrpcCase): Promise<Verdict> {
  const outcome = await grpc.call(item.path, {
    headers: { ...(item.authenticated ? { authorization: `Bearer ${token}` } : {}), ...item.headers },
    frames: item.frames,
    timeoutMs: 5_000,
  });
  // A server stream that opened and keeps going answered the request: it is not a failure.
  if (outcome.code === -1 && outcome.failure === 'timed out' && outcome.headers[':status'] === '200')
    return undefined;
  if (outcome.code === -1) return `no status (${outcome.failure})`;
  if (outcome.code === 13 || outcome.code === 2) return `status ${outcome.code}: ${outcome.message}`;
  if (outcome.headerBytes > MAX_HEADER_BYTES) return `${outcome.headerBytes} bytes of headers`;
  return undefined;
}

function sendRest(item: RestCase): Promise<Verdict> {
  // A body declared longer than sent leaves its connection unusable: it gets one of its own.
  const own = item.headers['content-length'] !== undefined;
  return new Promise((resolve) => {
    // A server stream (NDJSON or SSE) that opened with 200 and keeps going answered the request.
    let streaming = false;
    const request = httpRequest(
      `${server.httpBase}${item.path}`,
      {
        method: item.method,
        agent: own ? false : agent,
        headers: {
          ...(item.authenticated ? { authorization: `Bearer ${token}` } : {}),
          ...(own ? { connection: 'close' } : {}),
          ...item.headers,
        },
        timeout: 10_000,
      },
      (response) => {
        streaming =
          response.statusCode === 200 && /ndjson|event-stream/.test(response.headers['content-type'] ?? '');
        if (streaming) {
          // Answered: a stream with periodic events (a registry watch's progress) may never go
          // idle long enough for the socket timeout, so it is closed here rather than waited on.
          resolve(undefined);
          request.destroy();
          return;
        }
        const headerBytes = response.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part), 0);
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const body = Buffer.concat(chunks).toString('utf8').slice(0, 200);
          if (status >= 500 && status !== 501) resolve(`HTTP ${status}: ${body}`);
          else if (headerBytes > MAX_HEADER_BYTES) resolve(`${headerBytes} bytes of headers`);
          else resolve(undefined);
        });
        response.on('error', (error) => resolve(`response error: ${error.message}`));
      },
    );
    request.on('timeout', () => {
      if (streaming) resolve(undefined);
      request.destroy(new Error('timed out'));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as idle just as this request went out on it (its
      // keep-alive timeout racing the reuse, on a loaded host): not the server's answer, so the
      // request is sent again (the reset socket has left the pool), as Node's documentation of
      // reusedSocket advises.
      if (request.reusedSocket && error.code === 'ECONNRESET' && !streaming) resolve(sendRest(item));
      else resolve(`request error: ${error.message}`);
    });
    request.end(item.body);
  });
}

/** Runs `work` over `items`, `CONCURRENCY` at a time; returns the failures, named. */
async function runAll<T extends { name: string }>(
  items: readonly T[],
  label: (item: T) => string,
  work: (item: T) => Promise<Verdict>,
): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      const verdict = await work(item);
      if (verdict !== undefined) failures.push(`${label(item)} ${item.name}: ${verdict}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failures;
}

function residentMb(): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

test('no bad input over gRPC or REST is INTERNAL, unreadable or costs memory', async () => {
  const grpcCases = contract.methods.flatMap((method) => grpcCorpus(method, contract.registry));
  const restCases = routes.flatMap((route) => restCorpus(route, contract.registry, BODY_LIMIT_BYTES));
  const grpcLabel = (item: GrpcCase) => `gRPC ${item.path}`;
  const restLabel = (item: RestCase) => `${item.method} ${item.path.slice(0, 80)}`;

  const runCorpus = async () => [
    ...(await runAll(grpcCases, grpcLabel, sendGrpc)),
    ...(await runAll(restCases, restLabel, sendRest)),
  ];
  // The first run takes memory to its high-water mark; a leak shows as growth in both later runs
  // (see the comment at the top).
  const started = performance.now();
  const failures: string[] = [];
  const residentAfterRuns: number[] = [];
  for (let run = 0; run < 3; run++) {
    failures.push(...(await runCorpus()));
    await sleep(2000);
    residentAfterRuns.push(residentMb());
  }
  const seconds = (performance.now() - started) / 1000;
  const growth = Math.min(
    ...residentAfterRuns.slice(1).map((mb, run) => mb - (residentAfterRuns[run] ?? mb)),
  );
  console.log(
    `bad input: three times ${grpcCases.length} gRPC and ${restCases.length} REST requests in ${seconds.toFixed(1)} s; ` +
      `RSS after each run ${residentAfterRuns.map((mb) => mb.toFixed(0)).join(', ')} MiB (bound +${RSS_GROWTH_BOUND_MB})`,
  );

  assert.equal(failures.slice(0, 25), [], `${failures.length} bad answers`);
  assert.is(server.child.exitCode, null, 'the server is still running');
  const health = await grpc.call('/grpc.health.v1.Health/Check', { frames: Buffer.from([0, 0, 0, 0, 0]) });
  assert.is(health.code, 0, 'the server still answers');
  const errors = server.logLines().filter((line) => line.level === 'error' || line.level === 'fatal');
  assert.equal(errors.slice(0, 5), [], 'no error was logged');
  assert.ok(growth <= RSS_GROWTH_BOUND_MB, `RSS grew by ${growth.toFixed(0)} MiB in each later run`);
  const total = (residentAfterRuns.at(-1) ?? 0) - (residentAfterRuns[0] ?? 0);
  assert.ok(total <= 2 * RSS_GROWTH_BOUND_MB, `RSS grew by ${total.toFixed(0)} MiB over the later runs`);
});

test.run();
