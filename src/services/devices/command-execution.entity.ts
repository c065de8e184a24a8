import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ulidPrimaryKey } from '../../platform/db/index.ts';
import type { StoredReading, StoredValue } from './typed-value.ts';

/** Progress of an execution (proto `hcs.v1.CommandExecutionState`, lower case). */
export const EXECUTION_STATES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
] as const;
/** One of {@link EXECUTION_STATES}. */
export type ExecutionState = (typeof EXECUTION_STATES)[number];

/** The states an execution never leaves. */
export const TERMINAL_STATES: ReadonlySet<ExecutionState> = new Set([
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
]);

/**
 * One command execution (`device_command_executions`), resource name
 * `devices/{device}/commandExecutions/{id}`: written once with its final state when it ends
 * quickly, else at QUEUED or RUNNING and again when it ends (see `createExecutionRecords`). `node` names the hcs process that owns it, so that process, restarted, resumes its
 * QUEUED rows and ends its RUNNING ones TIMED_OUT (`RESTART`). A `requestId` is unique per
 * actor: the database, not a check-then-insert, makes a retried call find the first execution.
 */
export const ExecutionSchema = defineEntity({
  name: 'CommandExecution',
  tableName: 'device_command_executions',
  properties: {
    id: ulidPrimaryKey(),
    device: p.string().length(63).index('device_command_executions_device_index'),
    command: p.string().length(63),
    parameters: p.json<Record<string, StoredValue>>(),
    profileRevision: p.integer(),
    state: p.enum(EXECUTION_STATES).index('device_command_executions_state_index'),
    stateReason: p.string().length(64).default(''),
    /** gRPC code of the failure; 0 unless the execution did not succeed. */
    errorCode: p.integer().default(0),
    errorMessage: p.string().length(1024).default(''),
    readings: p.json<StoredReading[]>(),
    actor: p.string().length(255),
    requestId: p.string().length(128).nullable(),
    job: p.string().length(63).default(''),
    node: p.string().length(255),
    timeoutMs: p.integer(),
    createTime: p.datetime(3),
    startTime: p.datetime(3).nullable(),
    endTime: p.datetime(3).nullable(),
  },
  uniques: [
    { name: 'device_command_executions_actor_request_id_unique', properties: ['actor', 'requestId'] },
  ],
});

/** A command execution row. */
export type Execution = InferEntity<typeof ExecutionSchema>;
