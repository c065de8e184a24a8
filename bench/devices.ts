/**
 * Device benchmark, over real gRPC on 127.0.0.1 to the real app started in this process (client
 * and server share one process), on simulated thermo-hygrometers answering at once (latency 0):
 *
 * - commands: `ExecuteCommand read_temperature` (a profile-checked command with an execution
 *   record, the device's queue and lock, the audit trail and its numeric reading handed to
 *   analytics), for `--duration` ms per mode, to one device with `--callers` calls in flight and
 *   to 20 devices with `--callers` calls in flight each; commands/s, p50/p99 latency per call, and
 *   the process's CPU time per command (server and client together: comparable under load);
 * - fan-out: 100 open `StreamDeviceEvents` streams, then one `ExecuteCommand`; the time from
 *   sending it until each stream has its first event, p50/p99 over the streams.
 *
 * Modes alternate within each round; figures are medians over `--rounds` rounds.
 *
 * Usage: node --import tsx bench/devices.ts [--rounds 3] [--duration 3000] [--callers 8]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ClientReadableStream, credentials, Metadata } from '@grpc/grpc-js';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import {
  CreateDeviceRequest,
  DeviceEventType,
  DeviceServiceClient,
  ExecuteCommandRequest,
  StreamDeviceEventsRequest,
  type StreamDeviceEventsResponse,
} from '../src/gen/hcs/v1/devices.ts';
import { createSimulatedAdapter } from '../src/hardware/adapters/simulated/index.ts';
import { loadConfig } from '../src/platform/config/index.ts';
import { createAccessTokens } from '../src/services/auth/index.ts';
import { deviceServiceWith } from '../src/services/devices/index.ts';
import { SERVICE_MODULES } from '../src/services/index.ts';
import { BENCH_SECRET } from './bench-token.ts';
import { median } from './h2load.ts';

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

const work = mkdtempSync(join(tmpdir(), 'hcs-bench-'));
const sim = createSimulatedAdapter({
  latencyMs: 0,
  devices: Array.from({ length: DEVICES }, (_, i) => ({
    id: `th-${i}`,
    model: 'thermo-hygrometer' as const,
  })),
});
const config = loadConfig({
  cwd: work,
  env: {
    HCS_HOST: '127.0.0.1',
    HCS_GRPC_PORT: '0',
    HCS_HTTP_PORT: '0',
    HCS_DATA_DIR: join(work, 'data'),
    HCS_SECRET_KEY: BENCH_SECRET,
    HCS_ADMIN_PASSWORD: 'bench-admin-password',
    HCS_DEVICES_ADAPTERS: 'simulated',
    // `false` to measure commands without recording their readings in analytics.
    HCS_DEVICES_RECORD_READINGS: process.env.HCS_DEVICES_RECORD_READINGS ?? 'true',
    HCS_LOG_LEVEL: 'silent',
  },
});
const devicesModule = deviceServiceWith({ adapters: [sim] });
const app = createApp({
  config,
  logger: pino({ level: 'silent' }),
  services: SERVICE_MODULES.map((module) => (module.name === 'devices' ? devicesModule : module)),
});
const { grpcPort } = await app.start();
const token = createAccessTokens({
  key: { algorithm: 'HS256', secret: BENCH_SECRET },
  issuer: 'hcs',
  audience: 'hcs',
  ttlMs: 3_600_000,
}).sign({ subject: 'users/bench', roles: ['admin'], scopes: ['*'] }).token;
const metadata = new Metadata();
metadata.set('authorization', `Bearer ${token}`);
const target = `127.0.0.1:${grpcPort}`;
// A few channels, as a real fleet of callers would have; each is one HTTP/2 connection.
const clients = Array.from(
  { length: 4 },
  (_, i) => new DeviceServiceClient(target, credentials.createInsecure(), { 'grpc.channel_id': i } as never),
);

function unary<Res>(client: DeviceServiceClient, method: string, request: unknown): Promise<Res> {
  const fn = (client as unknown as Record<string, (...a: unknown[]) => void>)[method] as (
    ...a: unknown[]
  ) => void;
  return new Promise((resolve, reject) =>
    fn.call(client, request, metadata, (error: Error | null, response: Res) =>
      error ? reject(error) : resolve(response),
    ),
  );
}

for (let i = 0; i < DEVICES; i++) {
  await unary(
    clients[0] as DeviceServiceClient,
    'createDevice',
    CreateDeviceRequest.fromPartial({
      deviceId: `th-${i}`,
      device: {
        adapter: 'adapters/simulated',
        address: `th-${i}`,
        profile: 'deviceProfiles/sim-thermo-hygrometer',
      },
    }),
  );
}

const command = (device: number) =>
  ExecuteCommandRequest.fromPartial({ name: `devices/th-${device}`, command: 'read_temperature' });

interface Load {
  rate: number;
  p50: number;
  p99: number;
  failed: number;
  /** CPU time of this process (server and client together) per command, ms. */
  cpuMs: number;
}

/** Runs `callers` loops per device for durationMs; commands/s and latencies in ms. */
async function commandLoad(devices: number): Promise<Load> {
  const latencies: number[] = [];
  let failed = 0;
  const end = performance.now() + durationMs;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let next = 0;
  const loops: Promise<void>[] = [];
  for (let device = 0; device < devices; device++) {
    for (let c = 0; c < callers; c++) {
      const client = clients[next++ % clients.length] as DeviceServiceClient;
      loops.push(
        (async () => {
          while (performance.now() < end) {
            const t0 = performance.now();
            // The simulated sensor drops a reading now and then (FAILED_PRECONDITION DROPOUT):
            // a full round trip all the same, counted apart.
            await unary(client, 'executeCommand', command(device)).catch(() => {
              failed += 1;
            });
            latencies.push(performance.now() - t0);
          }
        })(),
      );
    }
  }
  await Promise.all(loops);
  const cpu = process.cpuUsage(cpuBefore);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    rate: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    failed,
    cpuMs: (cpu.user + cpu.system) / 1000 / latencies.length,
  };
}

const MARKERS = new Set([
  DeviceEventType.DEVICE_EVENT_TYPE_SYNCED,
  DeviceEventType.DEVICE_EVENT_TYPE_PROGRESS,
]);

/** Opens SUBSCRIBERS streams, sends one command, resolves each stream's first-event delay in ms. */
async function fanOut(): Promise<{ p50: number; p99: number }> {
  const streams: ClientReadableStream<unknown>[] = [];
  const firsts: Promise<number>[] = [];
  const live: Promise<void>[] = [];
  let sent = 0;
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const client = clients[i % clients.length] as DeviceServiceClient;
    const stream = client.streamDeviceEvents(
      StreamDeviceEventsRequest.fromPartial({ devices: ['devices/th-0'] }),
      metadata,
    );
    streams.push(stream);
    // Each stream says SYNCED once its subscription is in place; the first event after it counts.
    live.push(new Promise((resolve) => stream.once('data', () => resolve())));
    firsts.push(
      new Promise((resolve) =>
        stream.on('data', (message: StreamDeviceEventsResponse) => {
          if (!MARKERS.has(message.eventType)) resolve(performance.now() - sent);
        }),
      ),
    );
    stream.on('error', () => {});
  }
  await Promise.all(live);
  sent = performance.now();
  await unary(clients[0] as DeviceServiceClient, 'executeCommand', command(0));
  const delays = (await Promise.all(firsts)).sort((a, b) => a - b);
  for (const stream of streams) stream.cancel();
  return {
    p50: delays[Math.floor(delays.length / 2)] ?? 0,
    p99: delays[Math.min(delays.length - 1, Math.floor(0.99 * delays.length))] ?? 0,
  };
}

// Warm-up: JIT, the ORM's metadata, each device's first open.
for (let i = 0; i < DEVICES; i++)
  await unary(clients[0] as DeviceServiceClient, 'executeCommand', command(i));

const one: Load[] = [];
const twenty: Load[] = [];
const fan: { p50: number; p99: number }[] = [];
for (let round = 0; round < rounds; round++) {
  const modes: [string, () => Promise<void>][] = [
    ['one', async () => void one.push(await commandLoad(1))],
    ['twenty', async () => void twenty.push(await commandLoad(DEVICES))],
    ['fan', async () => void fan.push(await fanOut())],
  ];
  for (let i = 0; i < modes.length; i++)
    await (modes[(i + round) % modes.length] as [string, () => Promise<void>])[1]();
}

const row = (name: string, runs: Load[]) =>
  `| ${name} | ${median(runs.map((r) => r.rate)).toFixed(0)} | ${median(runs.map((r) => r.p50)).toFixed(2)} | ${median(runs.map((r) => r.p99)).toFixed(2)} | ${median(runs.map((r) => r.cpuMs)).toFixed(2)} | ${runs.map((r) => r.rate.toFixed(0)).join(', ')} | ${runs.map((r) => r.failed).join(', ')} |`;
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${rounds} rounds of ${durationMs} ms, ${callers} callers per device`,
);
console.log(
  '| mode | commands/s | p50 ms | p99 ms | CPU ms/command | rounds (commands/s) | failed (dropouts) |',
);
console.log('| --- | ---: | ---: | ---: | ---: | --- | --- |');
console.log(row('1 device', one));
console.log(row(`${DEVICES} devices in parallel`, twenty));
console.log(
  `| fan-out to ${SUBSCRIBERS} StreamDeviceEvents | — | ${median(fan.map((f) => f.p50)).toFixed(2)} | ${median(fan.map((f) => f.p99)).toFixed(2)} | — | p99 per round: ${fan.map((f) => f.p99.toFixed(1)).join(', ')} | — |`,
);

for (const client of clients) client.close();
await app.close();
rmSync(work, { recursive: true, force: true });
