/**
 * Cache throughput: the memory cache, the Redis cache with and without auto-pipelining, the
 * shared state's cache (the fallback layer over Redis) and a bare ioredis loop, in one run and
 * one process, against Redis on 127.0.0.1 only. Each mode runs `--concurrency` loops that
 * alternate get and set of 256-byte values over 1000 keys for `--duration` ms after a warm-up;
 * rounds alternate the modes' order to spread machine drift. Keys live under a random
 * `hcs-bench:` prefix and are deleted at the end.
 *
 * Usage: node --import tsx bench/cache.ts [--rounds 3] [--duration 2000] [--concurrency 1,64]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { type Cache, createMemoryCache } from '../src/platform/cache/index.ts';
import { createLogger } from '../src/platform/log/index.ts';
import {
  closeRedisClient,
  createRedisCache,
  createRedisClient,
  createSharedState,
} from '../src/platform/redis/index.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '1,64' },
  },
});
const URL = 'redis://127.0.0.1:6379';
const durationMs = Number(values.duration);
const KEYS = 1000;
const VALUE = randomBytes(256);
const prefix = `hcs-bench:${randomBytes(4).toString('hex')}:`;

/** One get or one set (alternating) on key `i % KEYS`. */
type Operation = (i: number) => Promise<unknown>;

const ready = (client: Redis) =>
  client.status === 'ready'
    ? Promise.resolve()
    : new Promise<void>((resolve) => client.once('ready', () => resolve()));
const cacheOperation =
  (cache: Cache): Operation =>
  (i) =>
    i % 2 === 0 ? cache.set(`k${i % KEYS}`, VALUE) : cache.get(`k${i % KEYS}`);

const plain = createRedisClient({ url: URL, autoPipelining: false, commandTimeoutMs: 5000 });
const pipelined = createRedisClient({ url: URL, autoPipelining: true, commandTimeoutMs: 5000 });
const shared = createSharedState({
  redisUrl: URL,
  prefix: `${prefix}shared:`,
  logger: createLogger({ level: 'warn' }),
});
await Promise.all([ready(plain), ready(pipelined)]);
while (shared.status().backend !== 'redis') await new Promise((resolve) => setTimeout(resolve, 10));

const bare = (client: Redis): Operation => {
  const key = (i: number) => `${prefix}bare:k${i % KEYS}`;
  return (i) => (i % 2 === 0 ? client.set(key(i), VALUE) : client.getBuffer(key(i)));
};
const modes: [name: string, operation: Operation][] = [
  ['memory cache', cacheOperation(createMemoryCache())],
  [
    'redis cache, no pipelining',
    cacheOperation(createRedisCache({ client: plain, prefix: `${prefix}plain:` })),
  ],
  [
    'redis cache, auto-pipelining',
    cacheOperation(createRedisCache({ client: pipelined, prefix: `${prefix}auto:` })),
  ],
  ['shared state cache (on redis)', cacheOperation(shared.cache)],
  ['bare ioredis, no pipelining', bare(plain)],
  ['bare ioredis, auto-pipelining', bare(pipelined)],
];

/** Operations per second of `concurrency` loops for `ms` milliseconds. */
async function measure(operation: Operation, concurrency: number, ms: number): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  // The clock is read in the loop: a memory cache's awaits never yield to timers.
  const loop = async (offset: number) => {
    for (let i = offset; performance.now() < end; i += concurrency) {
      await operation(i);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, offset) => loop(offset)));
  return done / ((performance.now() - started) / 1000);
}

const concurrencies = (values.concurrency ?? '1,64').split(',').map(Number);
const results = new Map<string, number[]>();
for (let round = 0; round < Number(values.rounds); round++) {
  const order = round % 2 === 0 ? modes : [...modes].reverse();
  for (const [name, operation] of order) {
    for (const concurrency of concurrencies) {
      await measure(operation, concurrency, 300); // warm-up
      const rate = await measure(operation, concurrency, durationMs);
      const key = `${name}|${concurrency}`;
      results.set(key, [...(results.get(key) ?? []), rate]);
      console.log(
        `round ${round + 1} ${name.padEnd(30)} c=${String(concurrency).padEnd(3)} ${Math.round(rate)} ops/s`,
      );
    }
  }
}

const median = (items: number[]) => [...items].sort((a, b) => a - b)[Math.floor(items.length / 2)] ?? 0;
console.log(
  `\nmedian of ${values.rounds} rounds, ${durationMs} ms each, 50 % get / 50 % set, 256-byte values`,
);
console.log(`| mode | ${concurrencies.map((c) => `ops/s, ${c} in flight`).join(' | ')} |`);
console.log(`| --- | ${concurrencies.map(() => '---').join(' | ')} |`);
for (const [name] of modes) {
  const cells = concurrencies.map((c) =>
    Math.round(median(results.get(`${name}|${c}`) ?? [])).toLocaleString('en'),
  );
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}

// Leave nothing behind in the shared Redis.
let cursor = '0';
do {
  const [next, keys] = await plain.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
  cursor = next;
  if (keys.length > 0) await plain.unlink(...keys);
} while (cursor !== '0');
await shared.close();
await Promise.all([closeRedisClient(plain), closeRedisClient(pipelined)]);
