/**
 * Unary gRPC benchmark: a bare grpc-js server against hcs's gRPC stack, in one run. Each
 * server runs in its own process and the load comes from h2load (Debian's nghttp2-client), a
 * C load generator in a third process, so nothing measured shares a process with the load.
 * Rounds alternate bare/hcs so machine drift spreads evenly. Latency percentiles come from
 * h2load's per-request log; a real gRPC client checks each server answers OK first (h2load
 * sees only the HTTP status, not grpc-status).
 *
 * Usage: npm run bench -- [--rounds 9] [--duration 3] [--clients 4] [--streams 16]
 * (npm run bench builds dist/ first; h2load comes from Debian's nghttp2-client package.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { credentials } from '@grpc/grpc-js';
import { AuthServiceClient } from '../src/gen/hcs/v1/auth.ts';
import { cpuMicros, median, runH2load } from './h2load.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    duration: { type: 'string', default: '3' },
    clients: { type: 'string', default: '4' },
    streams: { type: 'string', default: '16' },
  },
});
const work = mkdtempSync(join(tmpdir(), 'hcs-bench-'));
const server = fileURLToPath(new URL('unary-server.mjs', import.meta.url));
const WHO_AM_I_PATH = '/hcs.v1.AuthService/WhoAmI';
// One gRPC frame: uncompressed, zero-length message (WhoAmIRequest has no fields).
const requestFile = join(work, 'request.grpc');
writeFileSync(requestFile, Buffer.from([0, 0, 0, 0, 0]));

interface Result {
  rps: number;
  /** Server CPU time (user + system) per request: steadier than throughput on a busy machine. */
  cpuUsPerCall: number;
  p50us: number;
  p99us: number;
  failed: number;
}

async function startServer(mode: 'bare' | 'hcs'): Promise<{ child: ChildProcess; port: number }> {
  // The servers run the compiled build, as production does: tsx and Node's type stripping both
  // change the per-call cost (tsx wraps every closure in a naming helper).
  const child = spawn(process.execPath, [server, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, port: (JSON.parse(chunk.toString().split('\n')[0] ?? '{}') as { port: number }).port };
}

function checkAnswersOk(port: number): Promise<void> {
  const client = new AuthServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve, reject) =>
    client.whoAmI({}, (error, response) => {
      client.close();
      if (error || response?.principal?.subject !== 'users/bench')
        reject(error ?? new Error('unexpected response'));
      else resolve();
    }),
  );
}

function load(port: number, pid: number, round: string): Result {
  const cpuBefore = cpuMicros(pid);
  const result = runH2load({
    url: `http://127.0.0.1:${port}${WHO_AM_I_PATH}`,
    logFile: join(work, `${round}.log`),
    durationSeconds: Number(values.duration),
    warmupSeconds: 1,
    clients: Number(values.clients),
    streams: Number(values.streams),
    dataFile: requestFile,
    headers: ['content-type: application/grpc', 'te: trailers'],
  });
  // The CPU span includes the 1 s warm-up, which h2load does not count in `done`.
  const calls = result.done + result.rps;
  const { rps, p50us, p99us, failed } = result;
  return {
    rps,
    cpuUsPerCall: Math.round(((cpuMicros(pid) - cpuBefore) / calls) * 10) / 10,
    p50us,
    p99us,
    failed,
  };
}

// Both servers stay up for the whole run and the rounds alternate between them, so a change in
// the machine's speed (shared, noisy hosts) hits both sides of each pair alike; the ratio is
// taken pair by pair and its median reported.
const servers = { bare: await startServer('bare'), hcs: await startServer('hcs') };
const results: Record<'bare' | 'hcs', Result[]> = { bare: [], hcs: [] };
const ratios: { rps: number; cpu: number }[] = [];
try {
  for (const mode of ['bare', 'hcs'] as const) await checkAnswersOk(servers[mode].port);
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    for (const mode of ['bare', 'hcs'] as const) {
      const result = load(servers[mode].port, servers[mode].child.pid ?? 0, `${mode}-${round}`);
      results[mode].push(result);
      console.log(`round ${round} ${mode.padEnd(4)} ${JSON.stringify(result)}`);
    }
    const [bare, hcs] = [results.bare.at(-1), results.hcs.at(-1)];
    if (bare && hcs) ratios.push({ rps: hcs.rps / bare.rps, cpu: bare.cpuUsPerCall / hcs.cpuUsPerCall });
  }
} finally {
  for (const { child } of Object.values(servers)) child.kill('SIGKILL');
}

const summary = (mode: 'bare' | 'hcs') => ({
  rps: median(results[mode].map((r) => r.rps)),
  cpuUsPerCall: median(results[mode].map((r) => r.cpuUsPerCall)),
  p50us: median(results[mode].map((r) => r.p50us)),
  p99us: median(results[mode].map((r) => r.p99us)),
  failed: results[mode].reduce((sum, r) => sum + r.failed, 0),
});
const bare = summary('bare');
const hcs = summary('hcs');
console.log(
  `\nmedian of ${values.rounds} rounds, ${values.duration} s each, ${values.clients} connections × ${values.streams} streams`,
);
console.log('| server | requests/s | server CPU µs/call | p50 µs | p99 µs | failed |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [name, r] of [
  ['bare grpc-js', bare],
  ['hcs gRPC stack', hcs],
] as const) {
  console.log(`| ${name} | ${r.rps} | ${r.cpuUsPerCall} | ${r.p50us} | ${r.p99us} | ${r.failed} |`);
}
const rpsRatio = median(ratios.map((r) => r.rps));
const cpuRatio = median(ratios.map((r) => r.cpu));
console.log(
  `\nhcs / bare throughput, median of the per-round ratios: ${rpsRatio.toFixed(3)} (target >= 0.90)`,
);
console.log(`bare / hcs server CPU per call, median of the per-round ratios: ${cpuRatio.toFixed(3)}`);
