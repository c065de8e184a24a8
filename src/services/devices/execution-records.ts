import type { EntityManager } from '@mikro-orm/core';
import { AppError, Code } from '../../platform/errors/index.ts';
import { auditRecordOf, type CallFacts } from '../common/index.ts';
import {
  type Execution,
  ExecutionSchema,
  type ExecutionState,
  TERMINAL_STATES,
} from './command-execution.entity.ts';
import type { ExecutionJournal, TimedAuditRecord } from './execution-journal.ts';
import { DeviceReason } from './reasons.ts';

/**
 * How long an execution may wait in memory only: one still QUEUED after this is written, so
 * listings (here and on the other replicas) and a restart see it. Until it runs nothing was sent, so a crash
 * before then loses no actuation (its caller's call fails).
 */
export const UNRECORDED_QUEUED_MAX_MS = 200;

/**
 * How long an execution may run in memory only: one still RUNNING after this is written, so
 * a restart ends it TIMED_OUT (`RESTART`) and readers see it.
 */
export const UNRECORDED_RUNNING_MAX_MS = 50;

/** Execution rows: read, and each transition written once and audited. */
export type ExecutionRecords = ReturnType<typeof createExecutionRecords>;

/** An execution not written yet, and the audit entries of its transitions so far. */
interface Unrecorded {
  row: Execution;
  audits: TimedAuditRecord[];
  timer: NodeJS.Timeout;
}

/**
 * The store side of command executions. A terminal state is written only over QUEUED or
 * RUNNING, so a cancel racing a result leaves exactly one outcome; every transition is audited
 * (who, command, parameters, result, duration) and told to `onTransition`.
 *
 * An execution created without `durable` lives in memory until it ends, and is then inserted
 * once, with its final state and the audit entries of all its transitions, through the
 * journal's group commit; one still QUEUED after {@link UNRECORDED_QUEUED_MAX_MS} or RUNNING
 * after {@link UNRECORDED_RUNNING_MAX_MS} is written at its state and later transitions update it. A durable one (a request id to deduplicate across
 * replicas) is inserted QUEUED before anything runs. Either way a call is answered only after
 * its final state is committed.
 */
export function createExecutionRecords(options: {
  em: () => EntityManager;
  journal: ExecutionJournal;
  /** Told about every transition, e.g. to publish events; must not throw. */
  onTransition?: (row: Execution) => void;
}) {
  const { em, journal } = options;
  const unrecorded = new Map<string, Unrecorded>();
  /** Executions whose insert is not committed yet, still served to readers from here. */
  const recording = new Map<string, Execution>();

  const nameOf = (row: Pick<Execution, 'device' | 'id'>) =>
    `devices/${row.device}/commandExecutions/${row.id}`;

  async function load(device: string, id: string): Promise<Execution> {
    const held = unrecorded.get(id)?.row ?? recording.get(id);
    const row = held?.device === device ? held : await em().findOne(ExecutionSchema, { id, device });
    if (row === null || row === undefined) {
      throw new AppError(
        Code.NOT_FOUND,
        DeviceReason.EXECUTION_NOT_FOUND,
        `devices/${device}/commandExecutions/${id} does not exist`,
      );
    }
    return row;
  }

  /** Tells `onTransition` and returns the audit entry of the transition `row` just made. */
  function transition(row: Execution, facts: CallFacts): TimedAuditRecord {
    const ended = TERMINAL_STATES.has(row.state);
    options.onTransition?.({ ...row });
    return {
      ...auditRecordOf('devices', facts, {
        actor: row.actor,
        outcome: row.state === 'succeeded' || !ended ? 'success' : 'failure',
        target: nameOf(row),
        ...(row.errorCode === 0 ? {} : { statusCode: row.errorCode, statusMessage: row.errorMessage }),
        details: {
          command: row.command,
          state: row.state,
          parameters: JSON.stringify(
            Object.fromEntries(Object.entries(row.parameters).map(([k, v]) => [k, v.value])),
          ),
          ...(row.stateReason === '' ? {} : { reason: row.stateReason }),
          ...(row.startTime && row.endTime
            ? { duration_ms: String(row.endTime.getTime() - row.startTime.getTime()) }
            : {}),
          ...(row.readings.length === 0
            ? {}
            : {
                readings: JSON.stringify(
                  row.readings.map((reading) => [reading.resource, reading.value.value]),
                ),
              }),
        },
      }),
      time: new Date(),
    };
  }

  /** Writes an execution kept in memory at its current state; later transitions update it. */
  function record(id: string): Promise<unknown> {
    const held = unrecorded.get(id);
    if (held === undefined) return Promise.resolve();
    unrecorded.delete(id);
    clearTimeout(held.timer);
    recording.set(id, held.row);
    return journal
      .write({ insert: { ...held.row }, audits: held.audits })
      .finally(() => recording.delete(id));
  }

  function recordAfter(id: string, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => void record(id).catch(() => {}), ms);
    timer.unref();
    return timer;
  }

  /**
   * Moves `row` from one of `from` to `changes.state`, audited; false (and nothing written)
   * when it was in none of them.
   */
  async function move(
    row: Execution,
    from: readonly ExecutionState[],
    changes: Partial<Execution>,
    facts: CallFacts,
  ): Promise<boolean> {
    const held = unrecorded.get(row.id);
    if (held !== undefined) {
      if (!from.includes(held.row.state)) return false;
      Object.assign(held.row, changes);
      held.audits.push(transition(held.row, facts));
      if (TERMINAL_STATES.has(held.row.state)) await record(row.id);
      else {
        clearTimeout(held.timer);
        held.timer = recordAfter(row.id, UNRECORDED_RUNNING_MAX_MS);
      }
      return true;
    }
    const audit = transition({ ...row, ...changes }, facts);
    const changed = await journal.write({ update: { id: row.id, from, changes }, audits: [audit] });
    if (changed === 1) Object.assign(row, changes);
    return changed === 1;
  }

  return {
    nameOf,
    load,

    /**
     * Takes a new QUEUED execution. Durable: inserted now; false when its (actor, request id)
     * was taken meanwhile, and then nothing is written. Otherwise kept in memory (see above).
     */
    async create(row: Execution, facts: CallFacts, createOptions: { durable: boolean }): Promise<boolean> {
      const audit = transition(row, facts);
      if (createOptions.durable) return (await journal.write({ insert: { ...row }, audits: [audit] })) === 1;
      unrecorded.set(row.id, { row, audits: [audit], timer: recordAfter(row.id, UNRECORDED_QUEUED_MAX_MS) });
      return true;
    },

    /** QUEUED → RUNNING; false when the execution is no longer QUEUED. */
    start(
      row: Execution,
      changes: Pick<Execution, 'startTime' | 'node'>,
      facts: CallFacts,
    ): Promise<boolean> {
      return move(row, ['queued'], { state: 'running', ...changes }, facts);
    },

    /** Writes a terminal state once; a row that had already ended is returned as stored. */
    async finish(
      row: Execution,
      state: ExecutionState,
      outcome: { error?: AppError; readings?: Execution['readings'] },
      facts: CallFacts,
    ): Promise<Execution> {
      const changes = {
        state,
        stateReason: outcome.error?.reason ?? '',
        errorCode: outcome.error?.code ?? 0,
        errorMessage: outcome.error?.message.slice(0, 1024) ?? '',
        readings: outcome.readings ?? [],
        endTime: new Date(),
      };
      const moved = await move(row, ['queued', 'running'], changes, facts);
      return moved ? row : load(row.device, row.id);
    },

    /** Writes every execution still in memory at its state, e.g. before the server stops. */
    async recordAll(): Promise<void> {
      await Promise.all([...unrecorded.keys()].map(record));
    },
  };
}

/** The error of an execution ended by CancelCommandExecution. */
export function cancelledError(row: Pick<Execution, 'device' | 'id'>): AppError {
  return new AppError(
    Code.CANCELLED,
    DeviceReason.CANCELLED_BY_CALLER,
    `devices/${row.device}/commandExecutions/${row.id} was cancelled`,
  );
}
