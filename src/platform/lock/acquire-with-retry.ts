import { setTimeout as sleep } from 'node:timers/promises';
import type { AcquireOptions, Lease } from './lock.ts';

/**
 * Calls `attempt` until it yields a lease, `waitMs` has passed or `signal` aborts; shared by the
 * lock backends so that waiting behaves alike. Polling (rather than a wake-up on release) keeps
 * the Redis backend free of a pub/sub dependency; the jitter keeps waiters from moving in step.
 */
export async function acquireWithRetry(
  attempt: () => Promise<Lease | undefined>,
  options: Pick<AcquireOptions, 'waitMs' | 'retryDelayMs' | 'signal'>,
): Promise<Lease | undefined> {
  const waitMs = options.waitMs ?? 0;
  const retryDelayMs = options.retryDelayMs ?? 25;
  const deadline = performance.now() + waitMs;
  for (;;) {
    if (options.signal?.aborted) return undefined;
    const lease = await attempt();
    if (lease !== undefined) return lease;
    const left = deadline - performance.now();
    if (left <= 0) return undefined;
    const delay = Math.min(left, retryDelayMs * (0.5 + Math.random()));
    try {
      await sleep(delay, undefined, { signal: options.signal });
    } catch {
      return undefined; // aborted
    }
  }
}
