/**
 * File sandbox benchmark: a file streamed up and down through SystemService over gRPC (1 MiB
 * chunks) and REST (raw HttpBody bodies), against the real app in this process (SQLite, the
 * whole interceptor chain and audit log), hashed on the fly; then the per-call cost of path
 * resolution and of the quota at the start of a write (a walk of the sandbox, or the kept
 * figure). Loopback only, bounded by --runs and --mib.
 *
 * Usage: node --import tsx bench/files.ts [--runs 5] [--mib 64]
 */

import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { createApp } from '../src/app.ts';
import { SystemServiceClient, type WriteFileRequest } from '../src/gen/hcs/v1/system.ts';
import { loadConfig } from '../src/platform/config/index.ts';
import { createLogger } from '../src/platform/log/index.ts';
import { createAccessTokens } from '../src/services/auth/index.ts';
import {
  createSandboxQuota,
  createSerialLock,
  resolveSandboxPath,
} from '../src/services/system/file-sandbox/index.ts';
import { BENCH_SECRET } from './bench-token.ts';
import { median } from './h2load.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, mib: { type: 'string', default: '64' } },
});
const RUNS = Math.min(Number(values.runs), 20);
const SIZE = Math.min(Number(values.mib), 512) * 1024 * 1024;
const CHUNK = 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'hcs-bench-files-'));
const app = createApp({
  config: loadConfig({
    cwd: dataDir,
    env: {
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: dataDir,
      HCS_SECRET_KEY: BENCH_SECRET,
      HCS_ADMIN_PASSWORD: 'bench-admin-password',
      HCS_SYSTEM_FS_WRITE: 'true',
      HCS_SYSTEM_FS_QUOTA_BYTES: String(4 * SIZE),
    },
  }),
  logger: createLogger({ level: 'warn' }),
});
const { grpcPort, httpPort } = await app.start();
const token = createAccessTokens({
  key: { algorithm: 'HS256', secret: BENCH_SECRET },
  issuer: 'hcs',
  audience: 'hcs',
  ttlMs: 3_600_000,
}).sign({ subject: 'users/bench', roles: ['admin'], scopes: ['system:read', 'system:write'] }).token;
const seed = randomBytes(CHUNK);
function* content(): Generator<Buffer> {
  for (let index = 0; index < SIZE / CHUNK; index += 1) yield seed;
}
const EMPTY: WriteFileRequest = {
  path: '',
  mode: 0,
  overwrite: true,
  createParents: false,
  expectedEtag: '',
  body: undefined,
};
const client = new SystemServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
const metadata = new Metadata();
metadata.set('authorization', `Bearer ${token}`);
const base = `http://127.0.0.1:${httpPort}/api/v1`;

/** Runs `work` and returns MiB/s, CPU ms of this process (client and server), and RSS growth. */
async function measure(work: () => Promise<void>) {
  const rss = process.memoryUsage.rss();
  let peak = rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  const used = process.cpuUsage(cpu);
  return {
    mibps: SIZE / 1024 / 1024 / seconds,
    cpuMs: (used.user + used.system) / 1000,
    rssMib: (peak - rss) / 1024 / 1024,
  };
}

const cases: Record<string, () => Promise<void>> = {
  'gRPC upload': () =>
    new Promise((resolve, reject) => {
      const call = client.writeFile(metadata, (error) => (error === null ? resolve() : reject(error)));
      void (async () => {
        call.write({ ...EMPTY, path: 'bench.bin' });
        for (const data of content()) {
          if (!call.write({ ...EMPTY, overwrite: false, body: { contentType: '', data, extensions: [] } })) {
            await once(call, 'drain');
          }
        }
        call.end();
      })();
    }),
  'gRPC download': async () => {
    const hash = createHash('sha256');
    const call = client.readFile({ path: 'bench.bin', offset: '0', length: '0', chunkSize: CHUNK }, metadata);
    for await (const message of call) hash.update(message.body.data);
  },
  'REST upload': async () => {
    const response = await fetch(`${base}/files:write?path=bench.bin&overwrite=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: ReadableStream.from(content()),
      duplex: 'half',
    } as RequestInit);
    if (response.status !== 200) throw new Error(await response.text());
  },
  'REST download': async () => {
    const hash = createHash('sha256');
    const response = await fetch(`${base}/files:read?path=bench.bin`, {
      headers: { authorization: `Bearer ${token}` },
    });
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
  },
};

const results: Record<string, { mibps: number[]; cpuMs: number[]; rssMib: number[] }> = {};
for (let run = 0; run < RUNS; run += 1) {
  for (const [name, work] of Object.entries(cases)) {
    const result = await measure(work);
    results[name] ??= { mibps: [], cpuMs: [], rssMib: [] };
    const row = results[name];
    row.mibps.push(result.mibps);
    row.cpuMs.push(result.cpuMs);
    row.rssMib.push(result.rssMib);
  }
}
console.log(`\n${SIZE / 1024 / 1024} MiB per transfer, ${RUNS} runs, medians:\n`);
console.log('| transfer | MiB/s | CPU ms (client + server) | peak RSS growth MiB |');
console.log('| --- | --- | --- | --- |');
for (const [name, row] of Object.entries(results)) {
  console.log(
    `| ${name} | ${median(row.mibps).toFixed(0)} | ${median(row.cpuMs).toFixed(0)} | ${median(row.rssMib).toFixed(1)} |`,
  );
}
client.close();
await app.close();

// Path resolution: a 6-segment path, every segment lstat-ed, one link resolved.
const root = join(dataDir, 'resolve');
mkdirSync(join(root, 'a/b/c/d/e'), { recursive: true });
writeFileSync(join(root, 'a/b/c/d/e/f.txt'), 'x');
const ITERATIONS = 20_000;
let start = performance.now();
for (let index = 0; index < ITERATIONS; index += 1) {
  await resolveSandboxPath(root, 'a/b/c/d/e/f.txt', { field: 'path' });
}
const resolveMicros = ((performance.now() - start) * 1000) / ITERATIONS;

// The quota's cost at the start of a write, in a sandbox of 1000 files in 10 directories:
// walking the tree every time (refreshMs 0, as every write did before the usage figure was
// kept) against the kept figure (the default 60 s), interleaved so both see the same load.
for (let dir = 0; dir < 10; dir += 1) {
  mkdirSync(join(root, `q${dir}`));
  for (let file = 0; file < 100; file += 1)
    writeFileSync(join(root, `q${dir}`, `${file}.txt`), 'x'.repeat(100));
}
const quotaOptions = { rootPath: root, quotaBytes: 1 << 30, minFreeBytes: 1 };
const walking = createSandboxQuota({ ...quotaOptions, lock: createSerialLock(), refreshMs: 0 });
const kept = createSandboxQuota({ ...quotaOptions, lock: createSerialLock() });
const walks: number[] = [];
const keptBegins: number[] = [];
for (let run = 0; run < 20; run += 1) {
  for (const [quota, times] of [
    [walking, walks],
    [kept, keptBegins],
  ] as const) {
    start = performance.now();
    (await quota.begin(0n)).release();
    times.push(performance.now() - start);
  }
}
console.log(`\nresolve a 6-segment path: ${resolveMicros.toFixed(1)} µs/call (mean of ${ITERATIONS})`);
console.log(
  `quota at the start of a write, 1000 files: walk every write ${median(walks).toFixed(2)} ms, kept figure ${median(keptBegins).toFixed(3)} ms (medians of 20; the kept figure's first begin walks: ${keptBegins[0]?.toFixed(1)} ms)`,
);
rmSync(dataDir, { recursive: true, force: true });
