import type { Duration } from '../../gen/google/protobuf/duration.ts';
import {
  ComparisonOp,
  type DeviceServiceService,
  type Job,
  JobState,
  type JobStep,
  type JobStepResult,
  StepFailurePolicy,
  StepState,
  type WatchJobResponse,
} from '../../gen/hcs/v1/devices.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { callFactsOf, msFromDuration } from '../common/index.ts';
import { DEFAULT_COMMAND_TIMEOUT_MS } from './command-executions.ts';
import { readingToMessage } from './command-procedures.ts';
import type { ComparisonName, JobRow, StoredStatus, StoredStep, StoredStepResult } from './job.entity.ts';
import type { JobSnapshot } from './job-changes.ts';
import type { Jobs, StepInput } from './jobs.ts';
import { assertDefaultOrder } from './list-filter.ts';
import { DeviceReason } from './reasons.ts';
import { idOfName } from './resource-names.ts';
import { typedValueFromStored } from './typed-value.ts';

type JobProcedures = Pick<
  ServiceImplementation<typeof DeviceServiceService>,
  'createJob' | 'getJob' | 'listJobs' | 'cancelJob' | 'watchJob' | 'resumeJob' | 'abandonJob' | 'deleteJob'
>;

const JOB_STATES = {
  queued: JobState.JOB_STATE_QUEUED,
  running: JobState.JOB_STATE_RUNNING,
  succeeded: JobState.JOB_STATE_SUCCEEDED,
  failed: JobState.JOB_STATE_FAILED,
  cancelled: JobState.JOB_STATE_CANCELLED,
  interrupted: JobState.JOB_STATE_INTERRUPTED,
};
const STEP_STATES = {
  pending: StepState.STEP_STATE_PENDING,
  running: StepState.STEP_STATE_RUNNING,
  succeeded: StepState.STEP_STATE_SUCCEEDED,
  failed: StepState.STEP_STATE_FAILED,
  skipped: StepState.STEP_STATE_SKIPPED,
  cancelled: StepState.STEP_STATE_CANCELLED,
};
const COMPARISONS: Partial<Record<ComparisonOp, ComparisonName>> = {
  [ComparisonOp.COMPARISON_OP_EQUAL]: 'eq',
  [ComparisonOp.COMPARISON_OP_NOT_EQUAL]: 'ne',
  [ComparisonOp.COMPARISON_OP_LESS]: 'lt',
  [ComparisonOp.COMPARISON_OP_LESS_OR_EQUAL]: 'le',
  [ComparisonOp.COMPARISON_OP_GREATER]: 'gt',
  [ComparisonOp.COMPARISON_OP_GREATER_OR_EQUAL]: 'ge',
};
const COMPARISON_OPS = Object.fromEntries(
  Object.entries(COMPARISONS).map(([op, name]) => [name, Number(op) as ComparisonOp]),
) as Record<ComparisonName, ComparisonOp>;

/** Maps the job RPCs onto {@link Jobs}. */
export function jobProcedures(jobs: Jobs): JobProcedures {
  const jobOf = (name: string) => idOfName(name, 'jobs', 'name');
  return {
    async createJob(request, ctx) {
      const job = request.job;
      if (job === undefined) throw invalidField(DeviceReason.INVALID_JOB, 'job', 'job is required');
      const row = await jobs.create({
        id: request.jobId,
        requestId: request.requestId,
        displayName: job.displayName,
        description: job.description,
        labels: job.labels,
        steps: job.steps.map((step, index) => stepFromMessage(step, `job.steps[${index}]`)),
        creator: ctx.principal.subject,
        creatorAdmin: ctx.principal.roles.includes('admin'),
      });
      return { job: jobToMessage(row) };
    },

    async getJob(request) {
      return { job: jobToMessage(await jobs.get(jobOf(request.name))) };
    },

    async listJobs(request) {
      assertDefaultOrder(request.orderBy, ['name']);
      const page = await jobs.list(request);
      return { jobs: page.rows.map(jobToMessage), nextPageToken: page.nextPageToken };
    },

    async cancelJob(request, ctx) {
      return { job: jobToMessage(await jobs.cancel(jobOf(request.name), callFactsOf(ctx))) };
    },

    async resumeJob(request) {
      return { job: jobToMessage(await jobs.resume(jobOf(request.name))) };
    },

    async abandonJob(request) {
      return { job: jobToMessage(await jobs.abandon(jobOf(request.name))) };
    },

    async deleteJob(request) {
      await jobs.delete(jobOf(request.name));
      return {};
    },

    async *watchJob(request, ctx) {
      let before: JobSnapshot | undefined;
      for await (const row of jobs.watch(jobOf(request.name), ctx.signal)) {
        if (before === undefined) yield progressOf(row, undefined, 'snapshot');
        else {
          for (const [index, result] of row.results.entries()) {
            const was = before.results[index];
            // A group's steps first: they end before the group does.
            for (const [inner, child] of (result.group ?? []).entries()) {
              if (changed(was?.group?.[inner], child)) {
                yield progressOf(row, index, `step ${index + 1}.${inner + 1} ${child.state}`, inner);
              }
            }
            if (changed(was, result)) yield progressOf(row, index, `step ${index + 1} ${result.state}`);
          }
          if (row.state !== before.state) yield progressOf(row, undefined, `job ${row.state}`);
        }
        before = row;
      }
    },
  };
}

/** A proto step as the domain's input, with durations in milliseconds checked against their bounds. */
function stepFromMessage(step: JobStep, field: string): StepInput {
  const ms = (value: Duration | undefined, fallback: number, min: number, max: number, name: string) => {
    const result = value === undefined ? fallback : msFromDuration(value);
    if (!(result >= min && result <= max)) {
      throw invalidField(
        DeviceReason.INVALID_JOB,
        `${field}.${name}`,
        `${name} must be from ${min / 1000}s to ${max / 1000}s`,
      );
    }
    return result;
  };
  const retry = step.retryPolicy;
  const maxAttempts = retry?.maxAttempts || 1;
  if (!(maxAttempts >= 1 && maxAttempts <= 10)) {
    throw invalidField(
      DeviceReason.INVALID_JOB,
      `${field}.retry_policy.max_attempts`,
      'max_attempts must be from 1 to 10',
    );
  }
  const multiplier = retry?.backoffMultiplier || 2;
  if (!(multiplier >= 1)) {
    throw invalidField(
      DeviceReason.INVALID_JOB,
      `${field}.retry_policy.backoff_multiplier`,
      'backoff_multiplier must be at least 1.0',
    );
  }
  const common = {
    displayName: step.displayName,
    device: '',
    command: '',
    parameters: {},
    delayMs: ms(step.delay, 0, 0, 3_600_000, 'delay'),
    timeoutMs:
      ms(step.timeout, DEFAULT_COMMAND_TIMEOUT_MS, 0, 300_000, 'timeout') || DEFAULT_COMMAND_TIMEOUT_MS,
    maxAttempts,
    initialBackoffMs: ms(retry?.initialBackoff, 1000, 0, 3_600_000, 'retry_policy.initial_backoff'),
    maxBackoffMs: ms(retry?.maxBackoff, 30_000, 0, 3_600_000, 'retry_policy.max_backoff'),
    backoffMultiplier: multiplier,
    onFailure: step.onFailure === StepFailurePolicy.STEP_FAILURE_POLICY_CONTINUE ? 'continue' : 'abort',
  } satisfies StepInput;
  const kinds = [step.wait, step.waitUntil, step.parallel].filter((kind) => kind !== undefined).length;
  if (kinds > 0 && (step.device !== '' || step.command !== '')) {
    throw invalidField(
      DeviceReason.INVALID_JOB,
      `${field}.device`,
      'device and command belong to command steps; a wait, wait_until or parallel step has none',
    );
  }
  if (step.wait !== undefined) {
    return {
      ...common,
      kind: 'wait',
      durationMs: ms(step.wait.duration, 0, 0, 3_600_000, 'wait.duration'),
    };
  }
  if (step.waitUntil !== undefined) {
    const until = step.waitUntil;
    const op = COMPARISONS[until.op];
    if (op === undefined) {
      throw invalidField(DeviceReason.INVALID_JOB, `${field}.wait_until.op`, 'op is required');
    }
    return {
      ...common,
      kind: 'wait_until',
      device: idOfName(until.device, 'devices', `${field}.wait_until.device`),
      timeoutMs: ms(until.timeout, 60_000, 0, 3_600_000, 'wait_until.timeout'),
      condition: {
        resource: until.resource,
        op,
        value: until.value,
        pollIntervalMs: ms(until.pollInterval, 1000, 50, 60_000, 'wait_until.poll_interval'),
      },
    };
  }
  if (step.parallel !== undefined) {
    return {
      ...common,
      kind: 'parallel',
      group: step.parallel.steps.map((child, index) =>
        stepFromMessage(child, `${field}.parallel.steps[${index}]`),
      ),
    };
  }
  return {
    ...common,
    kind: 'command',
    device: idOfName(step.device, 'devices', `${field}.device`),
    command: step.command,
    parameters: step.parameters,
  };
}

function statusOf(status: StoredStatus | null | undefined) {
  return status == null ? undefined : { code: status.code, message: status.message, details: [] };
}

function progressPercentOf(row: Pick<JobRow, 'results'>): number {
  const done = row.results.filter((result) => !['pending', 'running'].includes(result.state)).length;
  return Math.floor((done * 100) / Math.max(1, row.results.length));
}

/** Whether a step moved since the snapshot before: its state or its attempts. */
function changed(was: StoredStepResult | undefined, now: StoredStepResult): boolean {
  return was?.state !== now.state || was.attempts !== now.attempts;
}

/** The progress event of job-level change (no `index`), of step `index`, or of step `inner` of group `index`. */
function progressOf(
  row: JobSnapshot,
  index: number | undefined,
  message: string,
  inner?: number,
): WatchJobResponse {
  const step: StoredStepResult | undefined = index === undefined ? undefined : row.results[index];
  const result = inner === undefined ? step : step?.group?.[inner];
  return {
    eventTime: new Date(),
    jobState: JOB_STATES[row.state],
    progressPercent: progressPercentOf(row),
    ...(index === undefined ? {} : { stepIndex: index }),
    stepState: result === undefined ? StepState.STEP_STATE_UNSPECIFIED : STEP_STATES[result.state],
    attempt: result?.attempts ?? 0,
    commandExecution: result?.execution ?? '',
    message,
    error: statusOf(result?.error ?? (index === undefined ? row.error : null)),
    ...(inner === undefined ? {} : { groupStepIndex: inner }),
  };
}

function durationOf(ms: number): Duration {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

function stepToMessage(step: StoredStep): JobStep {
  const kind = step.kind ?? 'command';
  return {
    displayName: step.displayName,
    device: kind === 'command' ? `devices/${step.device}` : '',
    command: step.command,
    parameters: Object.fromEntries(
      Object.entries(step.parameters).map(([name, value]) => [name, typedValueFromStored(value)]),
    ),
    delay: durationOf(step.delayMs),
    timeout: kind === 'command' ? durationOf(step.timeoutMs) : undefined,
    retryPolicy:
      kind === 'command'
        ? {
            maxAttempts: step.maxAttempts,
            initialBackoff: durationOf(step.initialBackoffMs),
            maxBackoff: durationOf(step.maxBackoffMs),
            backoffMultiplier: step.backoffMultiplier,
          }
        : undefined,
    onFailure:
      step.onFailure === 'continue'
        ? StepFailurePolicy.STEP_FAILURE_POLICY_CONTINUE
        : StepFailurePolicy.STEP_FAILURE_POLICY_ABORT,
    ...(kind === 'wait' ? { wait: { duration: durationOf(step.durationMs ?? 0) } } : {}),
    ...(kind === 'wait_until' && step.condition !== undefined
      ? {
          waitUntil: {
            device: `devices/${step.device}`,
            resource: step.condition.resource,
            op: COMPARISON_OPS[step.condition.op],
            value: typedValueFromStored(step.condition.value),
            timeout: durationOf(step.timeoutMs),
            pollInterval: durationOf(step.condition.pollIntervalMs),
          },
        }
      : {}),
    ...(kind === 'parallel' ? { parallel: { steps: (step.group ?? []).map(stepToMessage) } } : {}),
  };
}

function resultToMessage(
  step: StoredStep | undefined,
  result: StoredStepResult,
  index: number,
): JobStepResult {
  return {
    stepIndex: index,
    state: STEP_STATES[result.state],
    attempts: result.attempts,
    commandExecution: result.execution,
    readings: result.readings.map((reading) => readingToMessage(step?.device ?? '', reading)),
    error: statusOf(result.error),
    startTime: result.startTime === null ? undefined : new Date(result.startTime),
    endTime: result.endTime === null ? undefined : new Date(result.endTime),
    groupResults: (result.group ?? []).map((child, position) =>
      resultToMessage(step?.group?.[position], child, position),
    ),
  };
}

/** A job row as its proto message. */
export function jobToMessage(row: JobRow): Job {
  return {
    name: `jobs/${row.id}`,
    displayName: row.displayName,
    description: row.description,
    labels: row.labels,
    steps: row.steps.map(stepToMessage),
    state: JOB_STATES[row.state],
    stepResults: row.results.map((result, index) => resultToMessage(row.steps[index], result, index)),
    progressPercent: progressPercentOf(row),
    error: statusOf(row.error),
    creator: row.creator,
    createTime: row.createTime,
    startTime: row.startTime ?? undefined,
    endTime: row.endTime ?? undefined,
  };
}
