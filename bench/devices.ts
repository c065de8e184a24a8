/**
 * Device benchmark: the real app (SQLite, every service, logging silent) in this process, pinned
 * to CPU 0, on 20 simulated thermo-hygrometers answering at once (latency 0), called over real
 * gRPC on 127.0.0.1 by a load process of its own on CPU 1 (bench/devices-load.ts), as a real
 * caller is:
 *
 * - commands: `ExecuteCommand read_temperature` (a profile-checked command with an execution
 *   record, the device's queue and lock, the audit trail and its numeric reading handed to
 *   analytics), for `--duration` ms per mode, to one device with `--callers` calls in flight and
 *   to 20 devices with `--callers` calls in flight each; commands/s, p50/p99 latency per call,
 *   and CPU time per command of the server and of the load process, each its own;
 * - fan-out: 100 open `StreamDeviceEvents` streams, then one `ExecuteCommand`; the time from
 *   sending it until each stream has its first event, p50/p99 over the streams.
 *
 * Modes alternate within each round; figures are medians over `--rounds` rounds.
 *
 * Usage: npm run bench:devices -- [--rounds 3] [--duration 3000] [--callers 8]
 * (or, after npm run build: node --import tsx bench/devices.ts with the same options)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { credentials, Metadata } from '@grpc/grpc-js';
import { CreateDeviceRequest, DeviceServiceClient } from '../src/gen/hcs/v1/devices.ts';
import { createAccessTokens } from '../src/services/auth/index.ts';
import { BENCH_SECRET } from './bench-token.ts';
import { createDevicesBenchApp } from './devices-app.ts';
import type { CommandLoad, FanOut, LoadRequest } from './devices-load.ts';
import { LOAD_CPU, median, onCpu, pinThisProcess, SERVER_CPU } from './h2load.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3000' },
    callers: { type: 'string', default: '8' },
  },
});
const rounds = Math.min(20, Number(values.rounds));
const durationMs = Math.min(20_000, Number(values.duration));
const callers = Math.min(32, Number(values.callers));
const DEVICES = 20;
const SUBSCRIBERS = 100;

pinThisProcess(SERVER_CPU);
const work = mkdtempSync(join(tmpdir(), 'hcs-bench-'));
const app = createDevicesBenchApp(work, DEVICES);
const { grpcPort } = await app.start();
const token = createAccessTokens({
  key: { algorithm: 'HS256', secret: BENCH_SECRET },
  issuer: 'hcs',
  audience: 'hcs',
  ttlMs: 3_600_000,
}).sign({ subject: 'users/bench', roles: ['admin'], scopes: ['*'] }).token;

// The devices, registered by an admin before the load starts.
const setup = new DeviceServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
const metadata = new Metadata();
metadata.set('authorization', `Bearer ${token}`);
for (let i = 0; i < DEVICES; i++) {
  const request = CreateDeviceRequest.fromPartial({
    deviceId: `th-${i}`,
    device: {
      adapter: 'adapters/simulated',
      address: `th-${i}`,
      profile: 'deviceProfiles/sim-thermo-hygrometer',
    },
  });
  await new Promise<void>((resolve, reject) =>
    setup.createDevice(request, metadata, (error) => (error ? reject(error) : resolve())),
  );
}
setup.close();

const load = spawn(
  ...onCpu(LOAD_CPU, process.execPath, [
    '--import',
    'tsx',
    fileURLToPath(new URL('devices-load.ts', import.meta.url)),
  ]),
  {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, HCS_BENCH_TARGET: `127.0.0.1:${grpcPort}`, HCS_BENCH_TOKEN: token },
  },
);

/** Runs one request in the load process; its answer and this process's CPU time meanwhile, ms. */
async function inLoad<T>(request: LoadRequest): Promise<{ result: T; serverCpuMs: number }> {
  const before = process.cpuUsage();
  load.send(request);
  const [result] = (await once(load, 'message')) as [T];
  const cpu = process.cpuUsage(before);
  return { result, serverCpuMs: (cpu.user + cpu.system) / 1000 };
}

interface Load extends CommandLoad {
  rate: number;
  /** CPU time of the server (this process) per command, ms. */
  serverCpuMs: number;
}

async function commandLoad(devices: number): Promise<Load> {
  const { result, serverCpuMs } = await inLoad<CommandLoad>({
    mode: 'commands',
    devices,
    callers,
    durationMs,
  });
  return { ...result, rate: result.commands / result.seconds, serverCpuMs: serverCpuMs / result.commands };
}

// Warm-up: JIT on both sides, the ORM's metadata, each device's first open.
await inLoad({ mode: 'commands', devices: DEVICES, callers: 1, durationMs: 1000 });

const one: Load[] = [];
const twenty: Load[] = [];
const fan: FanOut[] = [];
for (let round = 0; round < rounds; round++) {
  const modes: (() => Promise<void>)[] = [
    async () => void one.push(await commandLoad(1)),
    async () => void twenty.push(await commandLoad(DEVICES)),
    async () => void fan.push((await inLoad<FanOut>({ mode: 'fan-out', subscribers: SUBSCRIBERS })).result),
  ];
  for (let i = 0; i < modes.length; i++) await (modes[(i + round) % modes.length] as () => Promise<void>)();
}

const m = (runs: Load[], pick: (run: Load) => number, digits = 2) => median(runs.map(pick)).toFixed(digits);
const row = (name: string, runs: Load[]) =>
  `| ${name} | ${m(runs, (r) => r.rate, 0)} | ${m(runs, (r) => r.p50)} | ${m(runs, (r) => r.p99)} | ${m(runs, (r) => r.serverCpuMs, 3)} | ${m(runs, (r) => r.clientCpuMs, 3)} | ${runs.map((r) => r.rate.toFixed(0)).join(', ')} | ${runs.map((r) => r.failed).join(', ')} |`;
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${rounds} rounds of ${durationMs} ms, ${callers} callers per device`,
);
console.log(
  '| mode | commands/s | p50 ms | p99 ms | server CPU ms/command | client CPU ms/command | rounds (commands/s) | failed (dropouts) |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
console.log(row('1 device', one));
console.log(row(`${DEVICES} devices in parallel`, twenty));
console.log(
  `| fan-out to ${SUBSCRIBERS} StreamDeviceEvents | — | ${median(fan.map((f) => f.p50)).toFixed(2)} | ${median(fan.map((f) => f.p99)).toFixed(2)} | — | — | p99 per round: ${fan.map((f) => f.p99.toFixed(1)).join(', ')} | — |`,
);

load.disconnect();
await once(load, 'exit');
await app.close();
rmSync(work, { recursive: true, force: true });
