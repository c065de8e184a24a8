/**
 * Bus latency across two processes through Redis on 127.0.0.1: this process subscribes, a child
 * (this same file with `--role publisher`) publishes `--count` messages at `--rate` per second,
 * each stamped with `process.hrtime.bigint()`. On Linux that clock is CLOCK_MONOTONIC, shared by
 * all processes of the machine, so receive time minus stamp is the one-way latency. Runs the
 * shared state's bus and, as the baseline, bare ioredis PUBLISH/SUBSCRIBE with the same JSON.
 *
 * Usage: node --import tsx bench/bus.ts [--count 5000] [--rate 2000]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { defineTopic } from '../src/platform/bus/index.ts';
import { createLogger } from '../src/platform/log/index.ts';
import { createSharedState, type SharedState } from '../src/platform/redis/index.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'receiver' },
    mode: { type: 'string', default: 'bus' },
    prefix: { type: 'string', default: `hcs-bench:${randomBytes(4).toString('hex')}:` },
    count: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '2000' },
  },
});
const URL = 'redis://127.0.0.1:6379';
const prefix = values.prefix ?? 'hcs-bench:';
const count = Number(values.count);
const rate = Number(values.rate);
const TOPIC = defineTopic<{ seq: number; sentNs: string }>('bench.latency');
const CHANNEL = `${prefix}bare:bench.latency`;

async function sharedState(): Promise<SharedState> {
  const state = createSharedState({ redisUrl: URL, prefix, logger: createLogger({ level: 'warn' }) });
  while (state.status().backend !== 'redis') await new Promise((resolve) => setTimeout(resolve, 10));
  return state;
}

async function publish(mode: string): Promise<void> {
  const state = mode === 'bus' ? await sharedState() : undefined;
  const client = mode === 'bare' ? new Redis(URL) : undefined;
  if (client !== undefined) await once(client, 'ready');
  const send = (seq: number) => {
    const message = { seq, sentNs: process.hrtime.bigint().toString() };
    return state !== undefined
      ? state.bus.publish(TOPIC, message)
      : client?.publish(CHANNEL, JSON.stringify(message));
  };
  const started = performance.now();
  for (let seq = 0; seq < count; seq++) {
    // Paced against the clock, so a slow moment is caught up instead of stretching the run.
    const due = started + (seq * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    void send(seq);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  await state?.close();
  client?.disconnect();
}

async function receive(mode: string): Promise<{ latenciesUs: number[]; received: number }> {
  const latenciesUs: number[] = [];
  const record = (message: { sentNs: string }) => {
    latenciesUs.push(Number(process.hrtime.bigint() - BigInt(message.sentNs)) / 1000);
  };
  const state = mode === 'bus' ? await sharedState() : undefined;
  const subscriber = mode === 'bare' ? new Redis(URL) : undefined;
  if (state !== undefined) await state.bus.subscribe(TOPIC, record);
  if (subscriber !== undefined) {
    await once(subscriber, 'ready');
    subscriber.on('message', (_channel: string, text: string) => record(JSON.parse(text)));
    await subscriber.subscribe(CHANNEL);
  }
  const child = spawn(
    process.execPath,
    [
      '--import',
      import.meta.resolve('tsx'),
      fileURLToPath(import.meta.url),
      ...[
        '--role',
        'publisher',
        '--mode',
        mode,
        '--prefix',
        prefix,
        '--count',
        String(count),
        '--rate',
        String(rate),
      ],
    ],
    { stdio: 'inherit' },
  );
  await once(child, 'exit');
  const deadline = performance.now() + 2000;
  while (latenciesUs.length < count && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await state?.close();
  subscriber?.disconnect();
  return { latenciesUs, received: latenciesUs.length };
}

if (values.role === 'publisher') {
  await publish(values.mode ?? 'bus');
} else {
  console.log(`${count} messages at ${rate}/s from a second process, through Redis at 127.0.0.1:6379`);
  console.log('| path | received | p50 µs | p90 µs | p99 µs | max µs |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const mode of ['bare', 'bus']) {
    const { latenciesUs, received } = await receive(mode);
    const sorted = [...latenciesUs].sort((a, b) => a - b);
    const at = (p: number) =>
      Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0);
    const name = mode === 'bus' ? 'shared state bus (JSON, typed topic)' : 'bare ioredis PUBLISH/SUBSCRIBE';
    console.log(
      `| ${name} | ${received}/${count} | ${at(50)} | ${at(90)} | ${at(99)} | ${Math.round(sorted.at(-1) ?? 0)} |`,
    );
  }
}
