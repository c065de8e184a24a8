import type { EntityManager } from '@mikro-orm/core';
import type { Dialect } from '../../platform/db/index.ts';
import { type Change, ChangeSchema, type ChangeType, type PreviousState } from './change.entity.ts';
import type { InstanceView } from './instance-view.ts';

/** Why an instance was removed; `''` for changes other than removal. */
export type RemovalReason = '' | 'deregistered' | 'lease_expired';

/** A change a write records, in the same transaction as the write itself. */
export interface ChangeDraft {
  type: ChangeType;
  instance: InstanceView;
  previous: InstanceView | undefined;
  reason: string;
  removalReason?: RemovalReason;
  /** When it happened, epoch ms; default when the write commits. Set when the write decided on an earlier clock reading. */
  time?: number;
}

/** Options of {@link createChangeLog}. */
export interface ChangeLogOptions {
  em: () => EntityManager;
  dialect: Dialect;
  /** How many changes are kept for resuming watchers. Default 10 000 (the contract promises 1000). */
  keep?: number;
}

/** The registry's change history: the serialized write path and the reads watchers replay from. */
export interface ChangeLog {
  /**
   * Runs `work` in a transaction holding the registry's write lock (in process, and a
   * PostgreSQL advisory lock across replicas), records the changes it returns, and commits.
   * Holding the lock while revisions are assigned makes them commit in increasing order, so a
   * reader that saw revision N missed none before it.
   */
  write<T>(work: (em: EntityManager) => Promise<{ result: T; changes: ChangeDraft[] }>): Promise<T>;
  /** Changes after `revision`, oldest first, at most `limit`. */
  readAfter(revision: number, limit: number): Promise<Change[]>;
  /** The oldest and newest revisions kept; both 0 when there is no change. */
  bounds(): Promise<{ oldest: number; newest: number }>;
  /** Deletes all but the newest `keep` changes. */
  prune(): Promise<void>;
}

// Any fixed 64-bit number; it only has to differ from the other advisory locks hcs takes.
const REGISTRY_WRITE_LOCK_KEY = 0x68637372; // "hcsr"

/** Creates the change log. */
export function createChangeLog(options: ChangeLogOptions): ChangeLog {
  const { em, dialect } = options;
  const keep = options.keep ?? 10_000;
  // One writer at a time in this process: SQLite has one connection, and queuing here keeps
  // replicas from piling up on the advisory lock.
  let tail: Promise<unknown> = Promise.resolve();

  function serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = tail.then(run, run);
    tail = next.catch(() => undefined);
    return next;
  }

  return {
    write(work) {
      return serialized(() =>
        em().transactional(async (tx) => {
          if (dialect === 'postgresql') {
            await tx
              .getConnection()
              .execute(
                'select pg_advisory_xact_lock(?)',
                [REGISTRY_WRITE_LOCK_KEY],
                'all',
                tx.getTransactionContext(),
              );
          }
          const { result, changes } = await work(tx);
          const now = Date.now();
          for (const change of changes) {
            tx.create(ChangeSchema, {
              type: change.type,
              name: change.instance.name,
              reason: change.reason.slice(0, 1024),
              removalReason: change.removalReason ?? '',
              instance: change.instance,
              previous: previousOf(change.previous),
              time: new Date(change.time ?? now),
            });
          }
          return result;
        }),
      );
    },
    async readAfter(revision, limit) {
      return em().find(
        ChangeSchema,
        { revision: { $gt: revision } },
        { orderBy: { revision: 'asc' }, limit },
      );
    },
    async bounds() {
      const manager = em();
      const [oldest] = await manager.find(
        ChangeSchema,
        {},
        { orderBy: { revision: 'asc' }, limit: 1, fields: ['revision'] },
      );
      const [newest] = await manager.find(
        ChangeSchema,
        {},
        { orderBy: { revision: 'desc' }, limit: 1, fields: ['revision'] },
      );
      return { oldest: oldest?.revision ?? 0, newest: newest?.revision ?? 0 };
    },
    async prune() {
      const { newest } = await this.bounds();
      if (newest > keep) await em().nativeDelete(ChangeSchema, { revision: { $lte: newest - keep } });
    },
  };
}

function previousOf(previous: InstanceView | undefined): PreviousState | null {
  return previous === undefined ? null : { healthState: previous.healthState, tags: previous.tags };
}
