/**
 * Unary gRPC benchmark: a bare grpc-js server, the same checking a bearer token the least way an
 * authenticated server can (the floor for any server that authenticates its calls), the hcs app
 * without an authenticator, and the real app verifying a bearer JWT on every call, in one run. Each
 * server runs in its own process and the load comes from h2load (Debian's nghttp2-client), a
 * C load generator in a third process, so nothing measured shares a process with the load.
 * Rounds alternate the servers so machine drift spreads evenly. Latency percentiles come from
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
import { credentials, Metadata } from '@grpc/grpc-js';
import { AuthServiceClient } from '../src/gen/hcs/v1/auth.ts';
import { SERVE_V8_FLAGS } from '../src/platform/runtime-flags/index.ts';
import { BENCH_SECRET, benchToken } from './bench-token.ts';
import { cpuMicros, median, onCpu, runH2load, SERVER_CPU } from './h2load.ts';

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

const MODES = ['bare', 'bare-in-app', 'bare-auth', 'hcs-open', 'hcs-auth'] as const;
type Mode = (typeof MODES)[number];
const TOKEN: string = benchToken();

async function startServer(mode: Mode): Promise<{ child: ChildProcess; port: number }> {
  // The servers run the compiled build, as production does: tsx and Node's type stripping both
  // change the per-call cost (tsx wraps every closure in a naming helper).
  const child = spawn(...onCpu(SERVER_CPU, process.execPath, [...SERVE_V8_FLAGS, server, mode]), {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, HCS_SECRET_KEY: BENCH_SECRET },
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, port: (JSON.parse(chunk.toString().split('\n')[0] ?? '{}') as { port: number }).port };
}

function checkAnswersOk(port: number): Promise<void> {
  const client = new AuthServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${TOKEN}`);
  return new Promise((resolve, reject) =>
    client.whoAmI({}, metadata, (error, response) => {
      client.close();
      if (error || response?.principal?.subject !== 'users/bench')
        reject(error ?? new Error('unexpected response'));
      else resolve();
    }),
  );
}

function load(port: number, pid: number, round: string, withToken: boolean): Result {
  const cpuBefore = cpuMicros(pid);
  const result = runH2load({
    url: `http://127.0.0.1:${port}${WHO_AM_I_PATH}`,
    logFile: join(work, `${round}.log`),
    durationSeconds: Number(values.duration),
    warmupSeconds: 1,
    clients: Number(values.clients),
    streams: Number(values.streams),
    dataFile: requestFile,
    headers: [
      'content-type: application/grpc',
      'te: trailers',
      ...(withToken ? [`authorization: Bearer ${TOKEN}`] : []),
    ],
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

// The servers stay up for the whole run and the rounds alternate between them, so a change in
// the machine's speed (shared, noisy hosts) hits every side of a round alike; ratios are taken
// round by round and their median reported.
const servers = {
  bare: await startServer('bare'),
  'bare-in-app': await startServer('bare-in-app'),
  'bare-auth': await startServer('bare-auth'),
  'hcs-open': await startServer('hcs-open'),
  'hcs-auth': await startServer('hcs-auth'),
};
const results: Record<Mode, Result[]> = {
  bare: [],
  'bare-in-app': [],
  'bare-auth': [],
  'hcs-open': [],
  'hcs-auth': [],
};
const ratios: {
  open: number;
  auth: number;
  authBare: number;
  authCpu: number;
  checkedBare: number;
  authChecked: number;
  inAppBare: number;
  openInApp: number;
}[] = [];
try {
  for (const mode of MODES) await checkAnswersOk(servers[mode].port);
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    for (const mode of MODES) {
      const { port, child } = servers[mode];
      const result = load(port, child.pid ?? 0, `${mode}-${round}`, mode !== 'bare');
      results[mode].push(result);
      console.log(`round ${round} ${mode.padEnd(8)} ${JSON.stringify(result)}`);
    }
    const [bare, inApp, checked, open, auth] = MODES.map((mode) => results[mode].at(-1));
    if (bare && inApp && checked && open && auth) {
      ratios.push({
        open: open.rps / bare.rps,
        auth: auth.rps / open.rps,
        authBare: auth.rps / bare.rps,
        authCpu: open.cpuUsPerCall / auth.cpuUsPerCall,
        checkedBare: checked.rps / bare.rps,
        authChecked: auth.rps / checked.rps,
        inAppBare: inApp.rps / bare.rps,
        openInApp: open.rps / inApp.rps,
      });
    }
  }
} finally {
  for (const { child } of Object.values(servers)) child.kill('SIGKILL');
}

const summary = (mode: Mode) => ({
  rps: median(results[mode].map((r) => r.rps)),
  cpuUsPerCall: median(results[mode].map((r) => r.cpuUsPerCall)),
  p50us: median(results[mode].map((r) => r.p50us)),
  p99us: median(results[mode].map((r) => r.p99us)),
  failed: results[mode].reduce((sum, r) => sum + r.failed, 0),
});
console.log(
  `\nmedian of ${values.rounds} rounds, ${values.duration} s each, ${values.clients} connections × ${values.streams} streams`,
);
console.log('| server | requests/s | server CPU µs/call | p50 µs | p99 µs | failed |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [name, mode] of [
  ['bare grpc-js', 'bare'],
  ['bare grpc-js beside an idle hcs app, same process', 'bare-in-app'],
  ['bare grpc-js checking the bearer token', 'bare-auth'],
  ['hcs, no authenticator', 'hcs-open'],
  ['hcs, JWT verified per call', 'hcs-auth'],
] as const) {
  const r = summary(mode);
  console.log(`| ${name} | ${r.rps} | ${r.cpuUsPerCall} | ${r.p50us} | ${r.p99us} | ${r.failed} |`);
}
const at = (pick: (r: (typeof ratios)[number]) => number) => median(ratios.map(pick)).toFixed(3);
console.log(
  `\nhcs (no authenticator) / bare throughput, median of per-round ratios: ${at((r) => r.open)} (target >= 0.90)`,
);
console.log(
  `authenticated / unauthenticated throughput, median of per-round ratios: ${at((r) => r.auth)} (target >= 0.90)`,
);
console.log(`unauthenticated / authenticated server CPU per call, median: ${at((r) => r.authCpu)}`);
console.log(
  `hcs authenticated WhoAmI / bare grpc-js throughput, median of per-round ratios: ${at((r) => r.authBare)} (target >= 0.90)`,
);
console.log(
  `bare grpc-js checking the token / bare grpc-js: ${at((r) => r.checkedBare)}; hcs authenticated / bare grpc-js checking the token: ${at((r) => r.authChecked)}`,
);
console.log(
  `bare grpc-js beside the hcs app / bare grpc-js: ${at((r) => r.inAppBare)}; hcs (no authenticator) / bare grpc-js beside the app: ${at((r) => r.openInApp)}`,
);
