import type { EntityManager } from '@mikro-orm/core';
import type { RegistryConfig } from '../../platform/config/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { type RepeatingTask, startRepeatingTask } from '../common/index.ts';
import type { ChangeDraft, ChangeLog } from './change-log.ts';
import { InstanceSchema } from './instance.entity.ts';
import { instanceToView } from './instance-view.ts';
import type { RegistryView } from './registry-view.ts';

/** Options of {@link createLeaseSweeper}. */
export interface LeaseSweeperOptions {
  em: () => EntityManager;
  changeLog: ChangeLog;
  view: RegistryView;
  logger: Logger;
  config: Pick<RegistryConfig, 'leaseGraceMs' | 'sweepIntervalMs'>;
  now?: () => number;
}

/** Expires leases and removes instances whose grace period passed. */
export interface LeaseSweeper {
  /**
   * Gives leases that ran out while no server was sweeping one more `lease_ttl` from now, so a
   * restart does not expire every instance at once; then starts sweeping.
   */
  start(): Promise<void>;
  /** One sweep: returns how many instances it expired and removed. */
  sweep(): Promise<{ expired: number; removed: number }>;
  close(): Promise<void>;
}

const BATCH = 200;
const PRUNE_EVERY = 10;

/**
 * Creates the sweeper. Every replica sweeps; the change log's lock serializes them and each
 * update is conditional on what it read inside the lock, so an instance expires once.
 */
export function createLeaseSweeper(options: LeaseSweeperOptions): LeaseSweeper {
  const { em, changeLog, view, logger, config } = options;
  const now = options.now ?? Date.now;
  let sweeper: RepeatingTask | undefined;
  let ticks = 0;

  async function due(tx: EntityManager, time: number) {
    const expiring = await tx.find(
      InstanceSchema,
      { leaseExpireTime: { $lt: new Date(time) }, leaseExpiredTime: null },
      { limit: BATCH, orderBy: { leaseExpireTime: 'asc' } },
    );
    const removable = await tx.find(
      InstanceSchema,
      { leaseExpiredTime: { $lt: new Date(time - config.leaseGraceMs) } },
      { limit: BATCH, orderBy: { leaseExpiredTime: 'asc' } },
    );
    return { expiring, removable };
  }

  async function sweep() {
    const time = now();
    const found = await due(em(), time);
    if (found.expiring.length === 0 && found.removable.length === 0) return { expired: 0, removed: 0 };
    const counts = await changeLog.write(async (tx) => {
      const { expiring, removable } = await due(tx, time);
      const changes: ChangeDraft[] = [];
      for (const row of expiring) {
        const previous = instanceToView(row);
        Object.assign(row, {
          leaseExpiredTime: new Date(time),
          healthState: 'unhealthy',
          healthReason: 'lease expired',
          healthSource: 'lease',
          updateTime: new Date(time),
        });
        changes.push({
          type: 'modified',
          instance: instanceToView(row),
          previous,
          reason: 'lease expired',
          time,
        });
      }
      for (const row of removable) {
        const last = instanceToView(row);
        tx.remove(row);
        changes.push({
          type: 'removed',
          instance: last,
          previous: last,
          reason: 'lease expired and was not renewed within the grace period',
          removalReason: 'lease_expired',
          time,
        });
      }
      return { result: { expired: expiring.length, removed: removable.length }, changes };
    });
    await view.changed();
    return counts;
  }

  // Leases that ran out more than two sweeps ago were not swept: no server was running.
  async function extendLeasesAfterDowntime(): Promise<number> {
    const boot = now();
    return changeLog.write(async (tx) => {
      const stale = await tx.find(InstanceSchema, {
        leaseExpireTime: { $lt: new Date(boot - 2 * config.sweepIntervalMs) },
        leaseExpiredTime: null,
      });
      for (const row of stale) row.leaseExpireTime = new Date(boot + row.leaseTtlMs);
      return { result: stale.length, changes: [] };
    });
  }

  // With no instance in this replica's view there is nothing to expire, and an idle edge box
  // is spared the sweep's two queries a second. The view lags another replica's writes by one
  // poll at most, and that replica sweeps too.
  async function tick(): Promise<void> {
    if (view.instances().next().done !== true) await sweep();
    if (++ticks % PRUNE_EVERY === 0) await changeLog.prune();
  }

  return {
    sweep,
    async start() {
      const extended = await extendLeasesAfterDowntime();
      if (extended > 0)
        logger.info(
          { instances: extended },
          'registry leases that ran out while hcs was down get one more lease_ttl',
        );
      sweeper = startRepeatingTask({
        intervalMs: config.sweepIntervalMs,
        run: tick,
        onError: (error) => logger.warn({ err: error }, 'registry lease sweep failed; retrying'),
      });
    },
    async close() {
      await sweeper?.stop();
    },
  };
}
