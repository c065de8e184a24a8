import type { EntityManager } from '@mikro-orm/core';
import type { AuditLog } from '../../platform/db/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import { auditCall, type CallFacts } from '../common/index.ts';
import {
  type Execution,
  ExecutionSchema,
  type ExecutionState,
  TERMINAL_STATES,
} from './command-execution.entity.ts';
import { DeviceReason } from './reasons.ts';

/** Execution rows: read, and each transition written once and audited. */
export type ExecutionRecords = ReturnType<typeof createExecutionRecords>;

/**
 * The store side of command executions. A terminal state is written only over QUEUED or
 * RUNNING, so a cancel racing a result leaves exactly one outcome; every transition written
 * is audited (who, command, parameters, result, duration) and told to `onTransition`.
 */
export function createExecutionRecords(options: {
  em: () => EntityManager;
  audit: AuditLog;
  /** Told about every transition written, e.g. to publish events; must not throw. */
  onTransition?: (row: Execution) => void;
}) {
  const { em, audit } = options;

  const nameOf = (row: Pick<Execution, 'device' | 'id'>) =>
    `devices/${row.device}/commandExecutions/${row.id}`;

  async function load(device: string, id: string): Promise<Execution> {
    const row = await em().findOne(ExecutionSchema, { id, device });
    if (row === null) {
      throw new AppError(
        Code.NOT_FOUND,
        DeviceReason.EXECUTION_NOT_FOUND,
        `devices/${device}/commandExecutions/${id} does not exist`,
      );
    }
    return row;
  }

  function recordTransition(row: Execution, facts: CallFacts): void {
    const ended = TERMINAL_STATES.has(row.state);
    options.onTransition?.({ ...row });
    void auditCall(audit, 'devices', facts, {
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
    });
  }

  /** Writes a terminal state once; a row that had already ended is returned as stored. */
  async function finish(
    row: Execution,
    state: ExecutionState,
    outcome: { error?: AppError; readings?: Execution['readings'] },
    facts: CallFacts,
  ): Promise<Execution> {
    const endTime = new Date();
    const changes = {
      state,
      stateReason: outcome.error?.reason ?? '',
      errorCode: outcome.error?.code ?? 0,
      errorMessage: outcome.error?.message.slice(0, 1024) ?? '',
      readings: outcome.readings ?? [],
      endTime,
    };
    const updated = await em().nativeUpdate(
      ExecutionSchema,
      { id: row.id, state: { $in: ['queued', 'running'] } },
      changes,
    );
    const stored = updated === 1 ? Object.assign(row, changes) : await load(row.device, row.id);
    if (updated === 1) recordTransition(stored, facts);
    return stored;
  }

  return { nameOf, load, recordTransition, finish };
}

/** The error of an execution ended by CancelCommandExecution. */
export function cancelledError(row: Pick<Execution, 'device' | 'id'>): AppError {
  return new AppError(
    Code.CANCELLED,
    DeviceReason.CANCELLED_BY_CALLER,
    `devices/${row.device}/commandExecutions/${row.id} was cancelled`,
  );
}
