/**
 * Proxy benchmark: GET through hcs's registry HTTP proxy against the same GET sent to the
 * instance directly, and through a bare proxy written with node:http alone (the floor of any
 * proxy in Node), for a small (1 KiB) and a large (1 MiB) body answered at once (a trivial
 * instance: any proxy is then a second full HTTP hop of the same cost) and for a 1 KiB answer
 * after 1 ms of awaited I/O (an instance that does something per request), with one load generator
 * (h2load, HTTP/1.1 keep-alive, no pipelining). The instance and hcs run from the compiled
 * build, each in its own process; rounds alternate between direct and proxied and the ratios are
 * taken round by round. Proxied requests carry a bearer JWT with the `registry:proxy` scope.
 *
 * Usage: npm run bench:proxy -- [--rounds 7] [--duration 3] [--clients 16]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAccessTokens } from '../src/services/auth/index.ts';
import { BENCH_SECRET } from './bench-token.ts';
import { cpuMicros, type LoadResult, median, runH2load } from './h2load.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    duration: { type: 'string', default: '3' },
    clients: { type: 'string', default: '16' },
  },
});
const work = mkdtempSync(join(tmpdir(), 'hcs-bench-proxy-'));
const serverScript = fileURLToPath(new URL('proxy-servers.mjs', import.meta.url));
const token = createAccessTokens({
  key: { algorithm: 'HS256', secret: BENCH_SECRET },
  issuer: 'hcs',
  audience: 'hcs',
  ttlMs: 3_600_000,
}).sign({ subject: 'users/bench', roles: ['service'], scopes: ['registry:proxy'] }).token;

async function start(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [serverScript, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, HCS_SECRET_KEY: BENCH_SECRET },
  });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { child, port: (JSON.parse(chunk.toString().split('\n')[0] ?? '{}') as { http: number }).http };
}

const upstream = await start(['upstream']);
const hcs = await start(['hcs', `http://127.0.0.1:${upstream.port}`]);
const bare = await start(['bare-proxy', `http://127.0.0.1:${upstream.port}`]);
const clients = Number(values.clients);
const common = {
  durationSeconds: Number(values.duration),
  warmupSeconds: 1,
  clients,
  streams: 1,
  http1: true,
};

type Mode = 'direct' | 'bare proxy' | 'proxied';
type Size = 'small' | 'large' | 'service';
const BODY_BYTES: Record<Size, number> = { small: 1024, large: 1024 * 1024, service: 1024 };
const LABEL: Record<Size, string> = { small: '1 KiB', large: '1 MiB', service: '1 KiB after 1 ms' };
type Row = LoadResult & { hcsCpuUsPerCall: number };
const CASES: [Size, Mode][] = [
  ['small', 'direct'],
  ['small', 'bare proxy'],
  ['small', 'proxied'],
  ['large', 'direct'],
  ['large', 'bare proxy'],
  ['large', 'proxied'],
  ['service', 'direct'],
  ['service', 'bare proxy'],
  ['service', 'proxied'],
];

function measure(size: Size, mode: Mode, round: number): Row {
  const logFile = join(work, `${round}-${size}-${mode}.log`);
  const before = cpuMicros(hcs.child.pid ?? 0);
  const result =
    mode === 'direct'
      ? runH2load({ ...common, url: `http://127.0.0.1:${upstream.port}/bench/${size}`, logFile })
      : mode === 'bare proxy'
        ? runH2load({
            ...common,
            url: `http://127.0.0.1:${bare.port}/api/v1/proxy/bench/bench/${size}`,
            logFile,
          })
        : runH2load({
            ...common,
            url: `http://127.0.0.1:${hcs.port}/api/v1/proxy/bench/bench/${size}`,
            logFile,
            headers: [`authorization: Bearer ${token}`],
          });
  const calls = result.done + result.rps * common.warmupSeconds;
  const hcsCpu = mode === 'proxied' ? (cpuMicros(hcs.child.pid ?? 0) - before) / calls : 0;
  return { ...result, hcsCpuUsPerCall: Math.round(hcsCpu * 10) / 10 };
}

const results = new Map<string, Row[]>(CASES.map(([size, mode]) => [`${size} ${mode}`, []]));
try {
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    for (const [size, mode] of CASES) {
      const row = measure(size, mode, round);
      results.get(`${size} ${mode}`)?.push(row);
      console.log(`round ${round} ${`${size} ${mode}`.padEnd(14)} ${JSON.stringify(row)}`);
    }
  }
} finally {
  // SIGTERM: the servers exit cleanly, so a run under `--cpu-prof` keeps its profiles.
  hcs.child.kill('SIGTERM');
  bare.child.kill('SIGTERM');
  upstream.child.kill('SIGTERM');
}

console.log(`\nmedian of ${values.rounds} rounds, ${values.duration} s each, ${clients} requests in flight`);
console.log('| body | path | requests/s | MB/s | hcs CPU µs/call | p50 µs | p99 µs | failed |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [size, mode] of CASES) {
  const rows = results.get(`${size} ${mode}`) ?? [];
  const pick = (key: keyof Row) => median(rows.map((row) => row[key]));
  const failed = rows.reduce((sum, row) => sum + row.failed, 0);
  const mbps = Math.round((pick('rps') * BODY_BYTES[size]) / 1e6);
  const cpu = mode === 'proxied' ? pick('hcsCpuUsPerCall') : '–';
  console.log(
    `| ${LABEL[size]} | ${mode} | ${pick('rps')} | ${mbps} | ${cpu} | ${pick('p50us')} | ${pick('p99us')} | ${failed} |`,
  );
}
for (const size of ['small', 'large', 'service'] as Size[]) {
  const direct = results.get(`${size} direct`) ?? [];
  const proxied = results.get(`${size} proxied`) ?? [];
  const ratio = median(proxied.map((row, i) => row.rps / (direct[i]?.rps ?? Number.NaN)));
  const floor = median(
    proxied.map((row, i) => row.rps / ((results.get(`${size} bare proxy`) ?? [])[i]?.rps ?? Number.NaN)),
  );
  console.log(`${LABEL[size]}: proxied / direct throughput ${ratio.toFixed(3)} (goal >= 0.70)`);
  console.log(`${LABEL[size]}: proxied / bare node:http proxy throughput ${floor.toFixed(3)}`);
}
