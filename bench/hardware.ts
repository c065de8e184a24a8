/**
 * Hardware runtime throughput: commands per second through the runtime (queue, timeout
 * signal, health accounting) to simulated relay boards answering at once, with p50/p99
 * latency per command. Modes: the adapter's connection called directly (the floor the runtime
 * adds to), one device with one caller and with 16, and 20 devices in parallel with one and 8
 * callers each. Each command is an exchange: write `GET 1\n`, read the `OFF\n` reply. Rounds
 * rotate the modes' order; figures are medians over rounds. In-process only: no sockets.
 *
 * Usage: node --import tsx bench/hardware.ts [--rounds 5] [--duration 1500]
 */
import { parseArgs } from 'node:util';
import { createSimulatedAdapter } from '../src/hardware/adapters/simulated/index.ts';
import { createHardwareRuntime } from '../src/hardware/index.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, duration: { type: 'string', default: '1500' } },
});
const rounds = Math.min(20, Number(values.rounds));
const durationMs = Math.min(10_000, Number(values.duration));
const COMMAND = Buffer.from('GET 1\n');
const DEVICES = 20;

const sim = createSimulatedAdapter({
  devices: Array.from({ length: DEVICES }, (_, i) => ({ id: `relay-${i}`, model: 'relay-board' as const })),
});
const runtime = createHardwareRuntime({ adapters: [sim], queueDepth: 64 });
await runtime.start();
const direct = await sim.open('relay-0', new AbortController().signal);
const never = new AbortController().signal;

type Call = (device: number) => Promise<unknown>;
const viaRuntime: Call = (device) =>
  runtime.exchange({ adapter: 'simulated', deviceId: `relay-${device}` }, COMMAND);
const viaAdapter: Call = async () => {
  await direct.write(COMMAND, {}, never);
  return direct.read({}, never);
};

interface Mode {
  name: string;
  devices: number;
  callersPerDevice: number;
  call: Call;
}
const MODES: Mode[] = [
  { name: 'adapter direct, 1 device × 1 caller', devices: 1, callersPerDevice: 1, call: viaAdapter },
  { name: 'runtime, 1 device × 1 caller', devices: 1, callersPerDevice: 1, call: viaRuntime },
  { name: 'runtime, 1 device × 16 callers', devices: 1, callersPerDevice: 16, call: viaRuntime },
  { name: 'runtime, 20 devices × 1 caller', devices: DEVICES, callersPerDevice: 1, call: viaRuntime },
  { name: 'runtime, 20 devices × 8 callers', devices: DEVICES, callersPerDevice: 8, call: viaRuntime },
];

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
}

async function measure(mode: Mode): Promise<Result> {
  const latencies: number[] = [];
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  const loop = async (device: number) => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await mode.call(device);
      latencies.push(performance.now() - t0);
    }
  };
  const loops: Promise<void>[] = [];
  for (let device = 0; device < mode.devices; device += 1) {
    for (let caller = 0; caller < mode.callersPerDevice; caller += 1) loops.push(loop(device));
  }
  await Promise.all(loops);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 1000;
  return { perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

const median = (numbers: number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const results = new Map<string, Result[]>(MODES.map((mode) => [mode.name, []]));
for (const mode of MODES) await measure({ ...mode }); // warm-up
for (let round = 0; round < rounds; round += 1) {
  const order = MODES.map((_, i) => MODES[(i + round) % MODES.length] as Mode);
  for (const mode of order) results.get(mode.name)?.push(await measure(mode));
  process.stderr.write(`round ${round + 1}/${rounds} done\n`);
}

console.log(`| mode | commands/s | p50 µs | p99 µs |`);
console.log(`| --- | --- | --- | --- |`);
for (const mode of MODES) {
  const rows = results.get(mode.name) ?? [];
  const figure = (pick: (r: Result) => number) => Math.round(median(rows.map(pick)));
  console.log(
    `| ${mode.name} | ${figure((r) => r.perSecond)} | ${figure((r) => r.p50)} | ${figure((r) => r.p99)} |`,
  );
}
console.log(
  `\nrounds: ${rounds} × ${durationMs} ms per mode; Node ${process.version}; RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
);
await direct.close();
await runtime.stop();
