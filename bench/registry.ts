/**
 * Registry benchmark: hcs runs in this process (127.0.0.1, SQLite, memory bus, log level info),
 * its callers in another one (`registry-load.ts`), as real callers are: server on CPU 0, the
 * callers on CPU 1 (see `onCpu` in h2load.ts).
 * 1. ResolveService calls per second over gRPC (one channel, 32 calls in flight), and the
 *    in-process `healthyHttpEndpoints` lookup the HTTP proxy makes per request;
 * 2. watch fan-out: 1000 open WatchInstances streams (over 4 channels) and one registration, the
 *    time from sending it until each stream has the ADDED event; p50 and p99 per round, and this
 *    process's CPU time per round (the write and the server's fan-out to 1000 streams: the
 *    figure the host's load hides least; the callers' decoding is no longer in it).
 * Bounded: a few seconds per round, a fixed number of rounds. Prints medians.
 *
 * Usage: node --import tsx bench/registry.ts [--rounds 5] [--watchers 1000]
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RegistryServiceService } from '../src/gen/hcs/v1/registry.ts';
import { defineServiceModule } from '../src/services/index.ts';
import {
  createRegistryService,
  REGISTRY_ENTITIES,
  type RegistryService,
} from '../src/services/registry/index.ts';
import { startTestApp } from '../tests/helpers/app.ts';
import { LOAD_CPU, median, onCpu, SERVER_CPU } from './h2load.ts';
import type { LoadReport, LoadRequest, ServerAnswer } from './registry-load.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, watchers: { type: 'string', default: '1000' } },
});

let registry: RegistryService | undefined;
const app = await startTestApp({
  // The product's default level: debug would log every SQL statement of the write.
  logLevel: 'info',
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
// Decided before this process is pinned: pinned, it would see one CPU only.
const script = fileURLToPath(new URL('registry-load.ts', import.meta.url));
const loadCommand = onCpu(LOAD_CPU, process.execPath, ['--import', 'tsx', script]);
if (loadCommand[0] !== process.execPath) pinToCpu(SERVER_CPU);

const lookupRates: number[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const lookupStart = performance.now();
  let lookups = 0;
  while (performance.now() - lookupStart < 500) {
    for (let i = 0; i < 1000; i++) registry?.healthyHttpEndpoints('bench');
    lookups += 1000;
  }
  lookupRates.push(lookups / ((performance.now() - lookupStart) / 1000));
}

const request: LoadRequest = {
  grpcTarget: app.grpcTarget,
  token: app.mintToken({ subject: 'apiKeys/bench', roles: ['service'], scopes: ['*'] }),
  rounds: Number(values.rounds),
  watchers: Number(values.watchers),
};
const load = spawn(...loadCommand, {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const report = await new Promise<LoadReport>((resolve, reject) => {
  load.on('message', (message: { cpu?: true; report?: LoadReport }) => {
    // The callers ask for this process's CPU time around each fan-out round.
    if (message.cpu) load.send({ cpuMicros: cpuMicros() } satisfies ServerAnswer);
    if (message.report) resolve(message.report);
  });
  load.once('exit', (code) => reject(new Error(`the load process exited with ${code}`)));
  load.send(request);
});
load.disconnect();

console.log(
  JSON.stringify({
    resolvePerSecond: report.resolvePerSecond,
    healthyHttpEndpointsPerSecond: Math.round(median(lookupRates)),
    watchers: request.watchers,
    fanoutP50Ms: report.fanoutP50Ms,
    fanoutP99Ms: report.fanoutP99Ms,
    fanoutServerCpuMs: report.fanoutServerCpuMs,
    rounds: request.rounds,
  }),
);
await app.close();
process.exit(0);

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

// Every thread of this process (the libuv pool, V8's helpers) on the server's CPU.
function pinToCpu(cpu: number): void {
  execFileSync('/usr/bin/taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
}
