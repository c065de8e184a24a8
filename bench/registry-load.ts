/**
 * The callers of the registry benchmark, in their own process (started by `registry.ts` with an
 * IPC channel): registers 10 instances, measures ResolveService over gRPC, then opens the watch
 * streams and, per round, sends one registration and times each stream's ADDED event from the
 * moment the call was sent. Asks the server process for its CPU time around each round.
 */
import { Metadata } from '@grpc/grpc-js';
import { WatchInstancesRequest, type WatchInstancesResponse } from '../src/gen/hcs/v1/registry.ts';
import { httpInstance, registryClient } from '../tests/helpers/registry.ts';
import { median } from './h2load.ts';

/** What the server process sends to start. */
export interface LoadRequest {
  grpcTarget: string;
  token: string;
  rounds: number;
  watchers: number;
}

/** The server process's answer to `{ cpu: true }`. */
export interface ServerAnswer {
  cpuMicros: number;
}

/** Medians over the rounds. */
export interface LoadReport {
  resolvePerSecond: number;
  fanoutP50Ms: number;
  fanoutP99Ms: number;
  fanoutServerCpuMs: number;
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] as number;

function serverCpuMicros(): Promise<number> {
  return new Promise((resolve) => {
    process.once('message', (answer: ServerAnswer) => resolve(answer.cpuMicros));
    process.send?.({ cpu: true });
  });
}

async function run(request: LoadRequest): Promise<LoadReport> {
  const client = registryClient(request.grpcTarget, request.token);
  for (let i = 0; i < 10; i++) {
    await client.register({
      parent: 'services/bench',
      instanceId: `b${i}`,
      instance: httpInstance(9000 + i, { tags: ['t'] }),
    });
  }

  const resolveRates: number[] = [];
  for (let round = 0; round < request.rounds; round++) {
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
  }

  // Each stream notes when the instance it waits for arrives, as the event is decoded.
  let awaited = '';
  let sent = 0;
  const arrivals = new Array<number>(request.watchers).fill(0);
  let synced = 0;
  const channels = Array.from({ length: 4 }, () => registryClient(request.grpcTarget, request.token));
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${request.token}`);
  const streams = Array.from({ length: request.watchers }, (_, i) => {
    const channel = channels[i % channels.length] as typeof client;
    const stream = channel.client.watchInstances(
      WatchInstancesRequest.fromPartial({ parent: 'services/fanout' }),
      metadata,
    );
    stream.on('data', (event: WatchInstancesResponse) => {
      if (event.instance === undefined) synced++;
      else if (event.instance.instanceId === awaited) arrivals[i] = performance.now() - sent;
    });
    stream.on('error', () => undefined);
    return stream;
  });
  const deadline = Date.now() + 120_000;
  while (synced < request.watchers && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

  const p50s: number[] = [];
  const p99s: number[] = [];
  const cpuMs: number[] = [];
  for (let round = 0; round < request.rounds; round++) {
    arrivals.fill(0);
    awaited = `f${round}`;
    const cpuBefore = await serverCpuMicros();
    sent = performance.now();
    await client.register({ parent: 'services/fanout', instanceId: awaited, instance: httpInstance(8000) });
    while (arrivals.some((t) => t === 0) && performance.now() - sent < 30_000)
      await new Promise((r) => setTimeout(r, 5));
    cpuMs.push(((await serverCpuMicros()) - cpuBefore) / 1000);
    p50s.push(percentile(arrivals, 50));
    p99s.push(percentile(arrivals, 99));
    await new Promise((r) => setTimeout(r, 300));
  }
  for (const stream of streams) stream.cancel();
  for (const c of [client, ...channels]) c.close();
  return {
    resolvePerSecond: Math.round(median(resolveRates)),
    fanoutP50Ms: Number(median(p50s).toFixed(1)),
    fanoutP99Ms: Number(median(p99s).toFixed(1)),
    fanoutServerCpuMs: Number(median(cpuMs).toFixed(1)),
  };
}

process.once('message', async (request: LoadRequest) => {
  const report = await run(request);
  process.send?.({ report }, () => process.exit(0));
});
