import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { type AuditLog, type AuditRecord, nativeInsertOf } from '../../platform/db/index.ts';
import { type Execution, ExecutionSchema, type ExecutionState } from './command-execution.entity.ts';
import { type Device, DeviceSchema } from './device.entity.ts';

/** Most writes one commit takes; the rest wait for the next. */
const MAX_WRITES_PER_COMMIT = 512;

/** Device facts are written at most this often: the last times a device was seen are that stale at most. */
export const TOUCH_INTERVAL_MS = 1_000;

/** Facts about a device's hardware that commands record. */
export type TouchFacts = Partial<
  Pick<Device, 'lastSeenTime' | 'lastConnectedTime' | 'lastCommandTime' | 'node'>
>;

/** An audit entry and when its event happened. */
export type TimedAuditRecord = AuditRecord & { time: Date };

/** One write of an execution: its row inserted or its state moved, with the audit entries of it. */
export type JournalWrite =
  | { insert: Execution; audits: readonly TimedAuditRecord[] }
  | {
      update: { id: string; from: readonly ExecutionState[]; changes: Partial<Execution> };
      audits: readonly TimedAuditRecord[];
    };

/** Execution writes committed in groups. */
export type ExecutionJournal = ReturnType<typeof createExecutionJournal>;

interface Pending {
  write: JournalWrite;
  resolve(changed: number): void;
  reject(error: unknown): void;
}

/**
 * Group commit of command executions: writes that arrive while a commit runs wait and share the
 * next transaction (a commit starts one event-loop turn after the first write, so commands ending
 * together share it), and many concurrent commands cost one insert of their rows and one of
 * their audit entries instead of a transaction per statement. Device facts (last seen,
 * commanded) are folded per device and written once per {@link TOUCH_INTERVAL_MS}.
 * A write resolves only once its transaction has committed, so nothing acknowledged is lost.
 * In a commit, inserts come before updates, so a row's later state never precedes its insert.
 */
export function createExecutionJournal(options: { em: () => EntityManager; audit: AuditLog }) {
  const { em, audit } = options;
  const queue: Pending[] = [];
  /** Device facts not written yet, the latest of each kept. */
  let touches = new Map<string, TouchFacts>();
  /** Set when the touches are to go with the next commit. */
  let touchesDue = false;
  let touchTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  function dueTouches(): void {
    clearTimeout(touchTimer);
    touchTimer = undefined;
    if (touches.size === 0) return;
    touchesDue = true;
    kick();
  }

  async function commit(batch: Pending[], touched: Map<string, TouchFacts>): Promise<void> {
    const results = new Array<number>(batch.length).fill(0);
    try {
      await em().transactional(async (tx) => {
        // On SQLite row by row on a prepared statement (the ORM's per-row work cost more than
        // SQLite's); on PostgreSQL one multi-row insert, and one each for rows with a request id.
        const insert = await nativeInsertOf(tx, ExecutionSchema, {
          ignoreConflictOn: ['actor', 'requestId'],
        });
        const plain: Execution[] = [];
        const audits: TimedAuditRecord[] = [];
        for (const [index, { write }] of batch.entries()) {
          audits.push(...write.audits);
          if (!('insert' in write)) continue;
          if (insert !== undefined) {
            // The unique (actor, request id) index decides between calls that raced, here or
            // on another replica: the one that loses inserts nothing and is told so.
            results[index] = insert(write.insert);
          } else if (write.insert.requestId === null) {
            plain.push(write.insert);
            results[index] = 1;
          } else {
            const inserted = await (tx as SqlEntityManager)
              .createQueryBuilder(ExecutionSchema)
              .insert(write.insert)
              .onConflict(['actor', 'requestId'])
              .ignore()
              .execute('run');
            results[index] = inserted.affectedRows;
          }
        }
        if (plain.length > 0) await tx.insertMany(ExecutionSchema, plain);
        for (const [index, { write }] of batch.entries()) {
          if (!('update' in write)) continue;
          const { id, from, changes } = write.update;
          results[index] = await tx.nativeUpdate(ExecutionSchema, { id, state: { $in: [...from] } }, changes);
        }
        for (const [device, facts] of touched) await tx.nativeUpdate(DeviceSchema, { id: device }, facts);
        await audit.recordIn(tx, audits);
      });
    } catch (error) {
      if (batch.length > 1) {
        // Nothing was written: one write's failure must not fail the others, so each goes alone.
        for (const pending of batch) await commit([pending], new Map());
        return;
      }
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const [index, pending] of batch.entries()) pending.resolve(results[index] ?? 0);
  }

  function kick(): void {
    if (running !== undefined) return;
    running = (async () => {
      // One turn of the event loop first: commands ending in the same turn share the commit.
      await new Promise((resolve) => setImmediate(resolve));
      while (queue.length > 0 || touchesDue) {
        const batch = queue.splice(0, MAX_WRITES_PER_COMMIT);
        const touched = touchesDue ? touches : new Map<string, TouchFacts>();
        if (touchesDue) touches = new Map();
        touchesDue = false;
        await commit(batch, touched);
      }
    })().finally(() => {
      running = undefined;
      // A write queued between the loop's last check and now would wait for the next one.
      if (queue.length > 0 || touchesDue) kick();
    });
  }

  return {
    /**
     * Queues a write; resolves once committed with the rows it changed: 1, or 0 for an update
     * whose row was not in a `from` state or an insert whose (actor, request id) was taken.
     */
    write(write: JournalWrite): Promise<number> {
      return new Promise<number>((resolve, reject) => {
        queue.push({ write, resolve, reject });
        kick();
      });
    },

    /**
     * Records device facts within {@link TOUCH_INTERVAL_MS}, folded per device with the ones
     * before; never fails the caller (a lost touch is only a stale time).
     */
    touch(device: string, facts: TouchFacts): void {
      touches.set(device, { ...touches.get(device), ...facts });
      if (touchTimer === undefined) {
        touchTimer = setTimeout(dueTouches, TOUCH_INTERVAL_MS);
        touchTimer.unref();
      }
    },

    /** Resolves when every write queued so far, and every touch, has been committed or failed. */
    async drain(): Promise<void> {
      dueTouches();
      while (running !== undefined) await running.catch(() => {});
    },
  };
}
