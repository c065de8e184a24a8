/**
 * Registry benchmark against an in-process hcs on 127.0.0.1 (SQLite, memory bus):
 * 1. ResolveService calls per second over gRPC (one channel, 32 calls in flight), and the
 *    in-process `healthyHttpEndpoints` lookup the HTTP proxy makes per request;
 * 2. watch fan-out: 1000 open WatchInstances streams (over 4 channels), one registration, the
 *    time until each stream has the ADDED event; p50 and p99 per round, and the process's CPU
 *    time per round (server and the 1000 client streams: the figure the host's load hides least).
 * Bounded: a few seconds per round, a fixed number of rounds. Prints medians.
 *
 * Usage: node --import tsx bench/registry.ts [--rounds 5] [--watchers 1000]
 */
import { parseArgs } from 'node:util';
import { RegistryServiceService } from '../src/gen/hcs/v1/registry.ts';
import { defineServiceModule } from '../src/services/index.ts';
import {
  createRegistryService,
  REGISTRY_ENTITIES,
  type RegistryService,
} from '../src/services/registry/index.ts';
import { startTestApp } from '../tests/helpers/app.ts';
import { httpInstance, registryClient } from '../tests/helpers/registry.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, watchers: { type: 'string', default: '1000' } },
});
const rounds = Number(values.rounds);
const watcherCount = Number(values.watchers);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] as number;

let registry: RegistryService | undefined;
const app = await startTestApp({
  env: { HCS_LOG_LEVEL: 'warn' },
  modules: [
    defineServiceModule({
      name: 'registry',
      definition: RegistryServiceService,
      entities: REGISTRY_ENTITIES,
      create: (deps) => {
        registry = createRegistryService(deps);
        return registry;
      },
    }),
  ],
});
const token = app.mintToken({ subject: 'apiKeys/bench', roles: ['service'], scopes: ['*'] });
const client = registryClient(app.grpcTarget, token);
for (let i = 0; i < 10; i++) {
  await client.register({
    parent: 'services/bench',
    instanceId: `b${i}`,
    instance: httpInstance(9000 + i, { tags: ['t'] }),
  });
}

const resolveRates: number[] = [];
const lookupRates: number[] = [];
for (let round = 0; round < rounds; round++) {
  let calls = 0;
  const until = Date.now() + 2000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (Date.now() < until) {
        await client.resolve({ name: 'services/bench', tags: ['t'] });
        calls++;
      }
    }),
  );
  resolveRates.push(calls / ((performance.now() - started) / 1000));
  const lookupStart = performance.now();
  let lookups = 0;
  while (performance.now() - lookupStart < 500) {
    for (let i = 0; i < 1000; i++) registry?.healthyHttpEndpoints('bench');
    lookups += 1000;
  }
  lookupRates.push(lookups / ((performance.now() - lookupStart) / 1000));
}

const channels = Array.from({ length: 4 }, () => registryClient(app.grpcTarget, token));
const watches = Array.from({ length: watcherCount }, (_, i) =>
  (channels[i % channels.length] as typeof client).watch({ parent: 'services/fanout' }),
);
const deadline = Date.now() + 120_000;
while (!watches.every((w) => w.events.length >= 1) && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 50));
const p50s: number[] = [];
const p99s: number[] = [];
const cpuMs: number[] = [];
for (let round = 0; round < rounds; round++) {
  const seen = new Array<number>(watcherCount).fill(0);
  const id = `f${round}`;
  const before = watches.map((w) => w.events.length);
  const cpuBefore = process.cpuUsage();
  const sent = performance.now();
  await client.register({ parent: 'services/fanout', instanceId: id, instance: httpInstance(8000) });
  while (seen.some((t) => t === 0) && performance.now() - sent < 30_000) {
    watches.forEach((w, i) => {
      if (seen[i] === 0 && w.events.length > (before[i] as number)) seen[i] = performance.now() - sent;
    });
    await new Promise((r) => setImmediate(r));
  }
  const cpu = process.cpuUsage(cpuBefore);
  cpuMs.push((cpu.user + cpu.system) / 1000);
  p50s.push(percentile(seen, 50));
  p99s.push(percentile(seen, 99));
  await new Promise((r) => setTimeout(r, 300));
}
console.log(
  JSON.stringify({
    resolvePerSecond: Math.round(median(resolveRates)),
    healthyHttpEndpointsPerSecond: Math.round(median(lookupRates)),
    watchers: watcherCount,
    fanoutP50Ms: Number(median(p50s).toFixed(1)),
    fanoutP99Ms: Number(median(p99s).toFixed(1)),
    fanoutCpuMs: Number(median(cpuMs).toFixed(1)),
    rounds,
  }),
);
for (const w of watches) w.cancel();
for (const c of [client, ...channels]) c.close();
await app.close();
process.exit(0);
