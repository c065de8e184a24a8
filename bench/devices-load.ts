/**
 * The load side of bench/devices.ts, in its own process as a real caller is: gRPC clients to
 * the server at `HCS_BENCH_TARGET` (bearer `HCS_BENCH_TOKEN`), run one mode at a time on the
 * parent's request over the IPC channel, each answered with its figures and this process's own
 * CPU time per command.
 *
 * - `commands`: `callers` loops per device, each one `ExecuteCommand read_temperature` after the
 *   other, for `durationMs`;
 * - `fan-out`: `subscribers` open `StreamDeviceEvents` on the first device, then one command; the
 *   time from sending it until each stream has its first event.
 */
import { type ClientReadableStream, credentials, Metadata } from '@grpc/grpc-js';
import {
  DeviceEventType,
  DeviceServiceClient,
  ExecuteCommandRequest,
  StreamDeviceEventsRequest,
  type StreamDeviceEventsResponse,
} from '../src/gen/hcs/v1/devices.ts';

/** A request from the parent. */
export type LoadRequest =
  | { mode: 'commands'; devices: number; callers: number; durationMs: number }
  | { mode: 'fan-out'; subscribers: number };

/** Figures of one `commands` run; latencies in ms. */
export interface CommandLoad {
  commands: number;
  seconds: number;
  p50: number;
  p99: number;
  failed: number;
  /** This process's user + system CPU time per command, ms. */
  clientCpuMs: number;
}

/** Figures of one `fan-out` run: each stream's delay to its first event, ms. */
export interface FanOut {
  p50: number;
  p99: number;
}

const target = process.env.HCS_BENCH_TARGET ?? '';
const metadata = new Metadata();
metadata.set('authorization', `Bearer ${process.env.HCS_BENCH_TOKEN ?? ''}`);
// A few channels, as a real fleet of callers would have; each is one HTTP/2 connection.
const clients = Array.from(
  { length: 4 },
  (_, i) => new DeviceServiceClient(target, credentials.createInsecure(), { 'grpc.channel_id': i } as never),
);

function executeCommand(client: DeviceServiceClient, device: number): Promise<void> {
  const request = ExecuteCommandRequest.fromPartial({
    name: `devices/th-${device}`,
    command: 'read_temperature',
  });
  return new Promise((resolve, reject) =>
    client.executeCommand(request, metadata, (error) => (error ? reject(error) : resolve())),
  );
}

const at = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function commandLoad(devices: number, callers: number, durationMs: number): Promise<CommandLoad> {
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const end = started + durationMs;
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
            await executeCommand(client, device).catch(() => {
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
  latencies.sort((a, b) => a - b);
  return {
    commands: latencies.length,
    seconds: (performance.now() - started) / 1000,
    p50: at(latencies, 0.5),
    p99: at(latencies, 0.99),
    failed,
    clientCpuMs: (cpu.user + cpu.system) / 1000 / latencies.length,
  };
}

const MARKERS = new Set([
  DeviceEventType.DEVICE_EVENT_TYPE_SYNCED,
  DeviceEventType.DEVICE_EVENT_TYPE_PROGRESS,
]);

async function fanOut(subscribers: number): Promise<FanOut> {
  const streams: ClientReadableStream<unknown>[] = [];
  const firsts: Promise<number>[] = [];
  const live: Promise<void>[] = [];
  let sent = 0;
  for (let i = 0; i < subscribers; i++) {
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
  await executeCommand(clients[0] as DeviceServiceClient, 0);
  const delays = (await Promise.all(firsts)).sort((a, b) => a - b);
  for (const stream of streams) stream.cancel();
  return { p50: at(delays, 0.5), p99: at(delays, 0.99) };
}

process.on('message', (request: LoadRequest) => {
  const run =
    request.mode === 'commands'
      ? commandLoad(request.devices, request.callers, request.durationMs)
      : fanOut(request.subscribers);
  void run.then((result) => process.send?.(result));
});
process.on('disconnect', () => {
  for (const client of clients) client.close();
});
