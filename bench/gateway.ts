/**
 * REST benchmark: the same call (AuthService.WhoAmI, answered as JSON) through hcs's gateway,
 * over gRPC to the same hcs, from a bare node:http JSON handler, and from connect-node's JSON
 * protocol, in one run with one load generator (h2load; HTTP/1.1 with keep-alive for the JSON
 * servers, HTTP/2 for gRPC). Servers run from the compiled build, each in its own process;
 * rounds alternate between them and ratios are taken round by round.
 *
 * Usage: npm run bench:gateway -- [--rounds 7] [--duration 3] [--clients 32]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SERVE_V8_FLAGS } from '../src/platform/runtime-flags/index.ts';
import { BENCH_SECRET, benchToken } from './bench-token.ts';
import { cpuMicros, type LoadResult, median, onCpu, runH2load, SERVER_CPU } from './h2load.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    duration: { type: 'string', default: '3' },
    clients: { type: 'string', default: '32' },
  },
});
const work = mkdtempSync(join(tmpdir(), 'hcs-bench-'));
const serverScript = fileURLToPath(new URL('gateway-server.mjs', import.meta.url));
const emptyJson = join(work, 'empty.json');
writeFileSync(emptyJson, '{}');
const emptyGrpc = join(work, 'empty.grpc');
writeFileSync(emptyGrpc, Buffer.from([0, 0, 0, 0, 0]));

type Mode = 'node:http' | 'hcs REST' | 'hcs REST, no authenticator' | 'hcs gRPC' | 'connect-node JSON';
const MODES: Mode[] = [
  'node:http',
  'hcs REST',
  'hcs REST, no authenticator',
  'hcs gRPC',
  'connect-node JSON',
];
const AUTHORIZATION = `authorization: Bearer ${benchToken()}`;

async function start(mode: string): Promise<{ child: ChildProcess; ports: { http: number; grpc?: number } }> {
  const child = spawn(...onCpu(SERVER_CPU, process.execPath, [...SERVE_V8_FLAGS, serverScript, mode]), {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, HCS_SECRET_KEY: BENCH_SECRET },
  });
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return {
    child,
    ports: JSON.parse(chunk.toString().split('\n')[0] ?? '{}') as { http: number; grpc?: number },
  };
}

const servers = {
  plain: await start('node-http'),
  hcs: await start('gateway'),
  open: await start('gateway-open'),
  connect: await start('connect'),
};
const clients = Number(values.clients);
const common = { durationSeconds: Number(values.duration), warmupSeconds: 1 };

function measure(mode: Mode, round: number): LoadResult & { cpuUsPerCall: number } {
  const logFile = join(work, `${round}-${mode.replace(/\W/g, '')}.log`);
  const server =
    mode === 'node:http'
      ? servers.plain
      : mode === 'connect-node JSON'
        ? servers.connect
        : mode === 'hcs REST, no authenticator'
          ? servers.open
          : servers.hcs;
  const pid = server.child.pid ?? 0;
  const before = cpuMicros(pid);
  const result =
    mode === 'node:http'
      ? runH2load({
          ...common,
          url: `http://127.0.0.1:${server.ports.http}/`,
          logFile,
          clients,
          streams: 1,
          http1: true,
        })
      : mode === 'hcs REST' || mode === 'hcs REST, no authenticator'
        ? runH2load({
            ...common,
            url: `http://127.0.0.1:${server.ports.http}/api/v1/auth/whoami`,
            logFile,
            clients,
            streams: 1,
            http1: true,
            headers: mode === 'hcs REST' ? [AUTHORIZATION] : [],
          })
        : mode === 'hcs gRPC'
          ? runH2load({
              ...common,
              url: `http://127.0.0.1:${server.ports.grpc}/hcs.v1.AuthService/WhoAmI`,
              logFile,
              clients: 4,
              streams: Math.ceil(clients / 4),
              dataFile: emptyGrpc,
              headers: ['content-type: application/grpc', 'te: trailers', AUTHORIZATION],
            })
          : runH2load({
              ...common,
              url: `http://127.0.0.1:${server.ports.http}/hcs.v1.AuthService/WhoAmI`,
              logFile,
              clients,
              streams: 1,
              http1: true,
              dataFile: emptyJson,
              headers: ['content-type: application/json'],
            });
  const calls = result.done + result.rps * common.warmupSeconds;
  return { ...result, cpuUsPerCall: Math.round(((cpuMicros(pid) - before) / calls) * 10) / 10 };
}

const results = new Map<Mode, (LoadResult & { cpuUsPerCall: number })[]>(MODES.map((mode) => [mode, []]));
try {
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    for (const mode of MODES) {
      const result = measure(mode, round);
      results.get(mode)?.push(result);
      console.log(`round ${round} ${mode.padEnd(18)} ${JSON.stringify(result)}`);
    }
  }
} finally {
  for (const server of Object.values(servers)) server.child.kill('SIGKILL');
}

const perRoundRatio = (a: Mode, b: Mode) =>
  median((results.get(a) ?? []).map((r, i) => r.rps / ((results.get(b) ?? [])[i]?.rps ?? Number.NaN)));
console.log(`\nmedian of ${values.rounds} rounds, ${values.duration} s each, ${clients} requests in flight`);
console.log('| server | requests/s | server CPU µs/call | p50 µs | p99 µs | failed |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const mode of MODES) {
  const rows = results.get(mode) ?? [];
  const pick = (key: keyof LoadResult | 'cpuUsPerCall') => median(rows.map((row) => row[key]));
  const failed = rows.reduce((sum, row) => sum + row.failed, 0);
  console.log(
    `| ${mode} | ${pick('rps')} | ${pick('cpuUsPerCall')} | ${pick('p50us')} | ${pick('p99us')} | ${failed} |`,
  );
}
console.log(
  `\nhcs REST / node:http throughput: ${perRoundRatio('hcs REST', 'node:http').toFixed(3)} (target >= 0.70)`,
);
console.log(
  `hcs REST / connect-node JSON throughput: ${perRoundRatio('hcs REST', 'connect-node JSON').toFixed(3)} (target > 1)`,
);
// CPU per call moves less with the machine's speed than requests/s does: a second view of the gap.
const cpuRatio = median(
  (results.get('node:http') ?? []).map(
    (r, i) => r.cpuUsPerCall / ((results.get('hcs REST') ?? [])[i]?.cpuUsPerCall ?? Number.NaN),
  ),
);
console.log(`node:http / hcs REST server CPU per call: ${cpuRatio.toFixed(3)}`);
