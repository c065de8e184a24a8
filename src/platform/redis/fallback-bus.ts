import type { Bus, Subscription } from '../bus/index.ts';
import type { BackendMonitor } from './backend-monitor.ts';
import { isRedisUnavailable, wasNotApplied } from './from-redis-error.ts';

/** The parts of {@link createFallbackBus}. */
export interface FallbackBusParts {
  redis: Bus;
  memory: Bus;
  monitor: BackendMonitor;
}

/**
 * A bus that publishes through Redis while the monitor says so and within this process
 * otherwise. Every subscription is made on both, so a subscriber hears local publishes during a
 * fallback and everyone's once back on Redis; each message goes through exactly one of them, so
 * none is delivered twice. Messages published elsewhere during the gap are not replayed.
 */
export function createFallbackBus({ redis, memory, monitor }: FallbackBusParts): Bus {
  return {
    async publish(topic, message) {
      if (monitor.status().backend !== 'redis') return memory.publish(topic, message);
      try {
        await redis.publish(topic, message);
      } catch (error) {
        if (!isRedisUnavailable(error)) throw error;
        monitor.reportFailure(error);
        // A publish that timed out may still have reached Redis: delivering it locally too could
        // deliver it twice, so only one that certainly did not is delivered locally.
        if (wasNotApplied(error)) await memory.publish(topic, message);
      }
    },
    async subscribe(target, handler) {
      const [local, shared] = await Promise.all([
        memory.subscribe(target, handler),
        redis.subscribe(target, handler),
      ]);
      const subscription: Subscription = {
        async unsubscribe() {
          await Promise.all([local.unsubscribe(), shared.unsubscribe()]);
        },
      };
      return subscription;
    },
    async close() {
      await Promise.all([memory.close(), redis.close()]);
    },
  };
}
