/**
 * The primitives' contract suites, run against the shared state itself (its fallback layer over
 * the real Redis at 127.0.0.1:6379), so what services get keeps the same contract as each backend.
 */
import { Writable } from 'node:stream';
import type { HandlerErrorReporter } from '../../../src/platform/bus/index.ts';
import { createLogger } from '../../../src/platform/log/index.ts';
import { createSharedState, type SharedState } from '../../../src/platform/redis/index.ts';
import { deleteKeys, REDIS_URL, redisSuitesEnabled, uniquePrefix, waitFor } from '../../helpers/redis.ts';
import { registerBusContract } from '../../unit/platform/bus/bus.case.ts';
import { registerCacheContract } from '../../unit/platform/cache/cache.case.ts';
import { registerRateLimiterContract } from '../../unit/platform/cache/rate-limiter.case.ts';
import { registerLockContract } from '../../unit/platform/lock/lock.case.ts';

if (await redisSuitesEnabled('shared state on Redis suites')) {
  const runPrefix = uniquePrefix();
  const silent = createLogger({ level: 'silent' });
  // The shared state reports failing bus handlers to its logger; hand those lines to the contract's reporter.
  const handlerErrorsTo = (report: HandlerErrorReporter) =>
    createLogger({
      level: 'error',
      destination: new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk)
            .split('\n')
            .filter((text) => text !== '')) {
            const entry = JSON.parse(line) as { msg?: string; topic?: string; err?: { message?: string } };
            if (entry.msg === 'bus handler failed') report(new Error(entry.err?.message), entry.topic ?? '');
          }
          done();
        },
      }),
    });
  const states: SharedState[] = [];
  let next = 0;
  const create = async (onHandlerError?: HandlerErrorReporter): Promise<SharedState> => {
    const state = createSharedState({
      redisUrl: REDIS_URL,
      prefix: `${runPrefix}${next++}:`,
      logger: onHandlerError === undefined ? silent : handlerErrorsTo(onHandlerError),
    });
    states.push(state);
    await waitFor(() => state.status().backend === 'redis', 3000, 'the shared state on Redis');
    return state;
  };
  let suitesLeft = 4;
  const teardown = async () => {
    if (--suitesLeft > 0) return;
    await Promise.all(states.map((state) => state.close()));
    await deleteKeys(runPrefix);
  };
  registerCacheContract('shared state on redis', { create: async () => (await create()).cache, teardown });
  registerRateLimiterContract('shared state on redis', {
    create: async () => (await create()).cache,
    teardown,
  });
  registerBusContract('shared state on redis', {
    create: async (options) => (await create(options.onHandlerError)).bus,
    teardown,
  });
  registerLockContract('shared state on redis', {
    create: async () => (await create()).lock,
    teardown,
    fenceFloor: false,
  });
}
