import { setTimeout as sleep } from 'node:timers/promises';
import { defineTopic } from '../../../src/platform/bus/index.ts';
import type { SharedState } from '../../../src/platform/redis/index.ts';

/** What a load run saw. */
export interface LoadReport {
  operations: number;
  /** Failed operations (any rejection). */
  failed: number;
  /** The first few failures, for the assertion message. */
  failures: string[];
  /** The slowest single operation, in ms: a hang shows here. */
  slowestMs: number;
  /** Bus messages heard by this process's own subscriber. */
  heard: number;
}

/** A running load; `stop()` ends it and resolves its report. */
export interface Load {
  readonly report: LoadReport;
  stop(): Promise<LoadReport>;
}

const TICK = defineTopic<{ n: number }>('load.tick');
const runningLoads = new Set<Load>();

/** Stops every load still running (for a test's cleanup after a failure midway). */
export async function stopAllLoads(): Promise<void> {
  await Promise.all([...runningLoads].map((load) => load.stop()));
  runningLoads.clear();
}

/**
 * Drives every primitive of a shared state from `workers` concurrent loops: cache set/get/
 * increment/getOrCompute, a rate limiter, a lock acquire/release and a bus publish. Any rejection
 * counts as a failure; nothing is retried.
 */
export async function startLoad(state: SharedState, workers = 4): Promise<Load> {
  const report: LoadReport = { operations: 0, failed: 0, failures: [], slowestMs: 0, heard: 0 };
  await state.bus.subscribe(TICK, () => {
    report.heard++;
  });
  const limiter = state.createRateLimiter({ name: 'load', limit: 1_000_000, windowMs: 60_000 });
  let running = true;
  const timed = async (what: string, operation: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await operation();
    } catch (error) {
      report.failed++;
      if (report.failures.length < 10) report.failures.push(`${what}: ${String(error)}`);
    }
    report.slowestMs = Math.max(report.slowestMs, performance.now() - started);
    report.operations++;
  };
  const worker = async (id: number) => {
    for (let n = 0; running; n++) {
      const key = `w${id}:${n % 50}`;
      await timed('set', () => state.cache.set(key, Buffer.from([id, n & 255]), { ttlMs: 10_000 }));
      await timed('get', () => state.cache.get(key));
      await timed('increment', () => state.cache.increment(`count:${id}`, { ttlMs: 10_000 }));
      await timed('getOrCompute', () => state.cache.getOrCompute(`computed:${n % 10}`, async () => 'v'));
      await timed('rate limit', () => limiter.consume(`user-${id}`));
      await timed('lock', async () => {
        const lease = await state.lock.acquire(`job-${id}`, { ttlMs: 2000 });
        if (lease !== undefined) await state.lock.release(lease);
      });
      await timed('publish', () => state.bus.publish(TICK, { n }));
      await sleep(2);
    }
  };
  const loops = Array.from({ length: workers }, (_, id) => worker(id));
  const load: Load = {
    report,
    async stop() {
      running = false;
      await Promise.all(loops);
      return report;
    },
  };
  runningLoads.add(load);
  return load;
}
