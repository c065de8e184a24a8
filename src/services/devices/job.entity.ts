import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { StoredReading, StoredValue } from './typed-value.ts';

/** Lifecycle of a job (proto `hcs.v1.JobState`, lower case). */
export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
/** One of {@link JOB_STATES}. */
export type JobStateName = (typeof JOB_STATES)[number];

/** States after which a job never runs again. */
export const ENDED_JOB_STATES: readonly JobStateName[] = ['succeeded', 'failed', 'cancelled'];

/** The kinds of step (proto `hcs.v1.JobStep.kind`; `command` when unset). */
export type StepKind = 'command' | 'wait' | 'wait_until' | 'parallel';

/** How a wait-until step compares the reading (left) with its value (proto `hcs.v1.ComparisonOp`). */
export type ComparisonName = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** The condition of a wait-until step, on the step's `device`; its timeout is the step's `timeoutMs`. */
export interface StoredCondition {
  resource: string;
  op: ComparisonName;
  value: StoredValue;
  pollIntervalMs: number;
  /** A parameterless read command of the profile that reads `resource`; empty when none does. */
  readCommand: string;
}

/**
 * One step as stored: its kind, checked parameters and policies in milliseconds. Rows written
 * before step kinds existed have no `kind`: they are command steps.
 */
export interface StoredStep {
  kind?: StepKind;
  displayName: string;
  /** Device of a command or wait-until step; empty otherwise. */
  device: string;
  /** Command of a command step; empty otherwise. */
  command: string;
  /** Whether the command writes (a timed-out write is never retried: the device may have acted). */
  commandKind?: 'read' | 'write';
  parameters: Record<string, StoredValue>;
  /** How long a wait step waits. */
  durationMs?: number;
  condition?: StoredCondition;
  /** The steps of a parallel group. */
  group?: StoredStep[];
  delayMs: number;
  timeoutMs: number;
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  backoffMultiplier: number;
  onFailure: 'abort' | 'continue';
}

/** A status as stored: gRPC code, message and reason. */
export interface StoredStatus {
  code: number;
  message: string;
  reason: string;
}

/** The outcome of one step so far. */
export interface StoredStepResult {
  state: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
  attempts: number;
  execution: string;
  readings: StoredReading[];
  error: StoredStatus | null;
  startTime: string | null;
  endTime: string | null;
  /** One result per step of a parallel group. */
  group?: StoredStepResult[];
}

/**
 * One orchestration job (`device_jobs`), resource name `jobs/{id}`: steps run strictly in order
 * on the node that took it (`node`); `results` is rewritten as each step moves.
 */
export const JobSchema = defineEntity({
  name: 'DeviceJob',
  tableName: 'device_jobs',
  properties: {
    id: p.string().length(63).primary(),
    displayName: p.string().length(128).default(''),
    description: p.string().length(4096).default(''),
    labels: p.json<Record<string, string>>(),
    steps: p.json<StoredStep[]>(),
    results: p.json<StoredStepResult[]>(),
    state: p.enum(JOB_STATES).index('device_jobs_state_index'),
    error: p.json<StoredStatus>().nullable(),
    creator: p.string().length(255),
    /** CreateJob's idempotency key, unique per creator; null when none was given. */
    requestId: p.string().length(400).nullable().unique('device_jobs_request_id_unique'),
    /** Whether the creator was an administrator (steps on the raw profile need it). */
    creatorAdmin: p.boolean().default(false),
    node: p.string().length(255),
    createTime: p.datetime(3).index('device_jobs_create_time_index'),
    startTime: p.datetime(3).nullable(),
    endTime: p.datetime(3).nullable(),
  },
});

/** A job row. */
export type JobRow = InferEntity<typeof JobSchema>;
