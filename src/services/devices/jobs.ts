import type { EntityManager } from '@mikro-orm/core';
import { type AuditLog, createUlid } from '../../platform/db/index.ts';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import {
  auditCall,
  type CallFacts,
  findKeysetPage,
  type KeysetOrder,
  localCallFacts,
  type RepeatingTask,
  startRepeatingTask,
} from '../common/index.ts';
import { ExecutionSchema } from './command-execution.entity.ts';
import type { CommandExecutions } from './command-executions.ts';
import type { Devices } from './devices.ts';
import { ENDED_JOB_STATES, JOB_STATES, type JobRow, JobSchema, type StoredStepResult } from './job.entity.ts';
import { createJobChanges } from './job-changes.ts';
import { assertValidSteps, type StepInput } from './job-rules.ts';
import { createJobScheduler, endUnfinished, loadJob } from './job-scheduler.ts';
import type { LatestReadings } from './latest-readings.ts';
import { compileEqualityFilter } from './list-filter.ts';
import { DeviceReason } from './reasons.ts';
import { assertResourceId } from './resource-names.ts';

export type { StepInput } from './job-rules.ts';

/** Longest pause between two retention sweeps. */
const MAX_SWEEP_INTERVAL_MS = 60_000;

const JOB_ORDER: KeysetOrder<JobRow> = {
  key: 'id',
  direction: 'asc',
  cursorPrefix: 'j1:',
  keyPattern: /^[a-z][a-z0-9-]{0,62}$/,
};

/** Jobs: validated at creation, run by a bounded scheduler, cancelled, resumed, listed, deleted. */
export type Jobs = ReturnType<typeof createJobs>;

/** A step result with nothing run yet (with one per step of a group). */
function pendingResult(group?: readonly unknown[]): StoredStepResult {
  return {
    state: 'pending',
    attempts: 0,
    execution: '',
    readings: [],
    error: null,
    startTime: null,
    endTime: null,
    ...(group === undefined ? {} : { group: group.map(() => pendingResult()) }),
  };
}

/**
 * Makes a step that was running when the server stopped PENDING again, ABORTED
 * `JOB_INTERRUPTED`, for ResumeJob to run on. Its attempts count on, so the next attempt's
 * request id is new; in a group, only the steps that were running go back to PENDING (those
 * that had ended keep their outcome and are not run again).
 */
function interrupt(result: StoredStepResult): void {
  const group = result.group;
  Object.assign(result, pendingResult(), {
    attempts: result.attempts,
    execution: result.execution,
    error: {
      code: Code.ABORTED,
      reason: DeviceReason.JOB_INTERRUPTED,
      message: 'the server stopped while this step was running; the device may have acted',
    },
  });
  if (group === undefined) return;
  result.group = group;
  for (const child of group) if (child.state === 'running') interrupt(child);
}

/** Creates the job resource, its scheduler and its retention sweeper. */
export function createJobs(options: {
  em: () => EntityManager;
  devices: Devices;
  executions: CommandExecutions;
  readings: LatestReadings;
  audit: AuditLog;
  logger: Logger;
  node: string;
  /** How long an ended job is kept (`HCS_DEVICES_JOB_RETENTION_MS`). */
  retentionMs: number;
}) {
  const { em, devices, executions, audit, logger, node, retentionMs } = options;
  const changes = createJobChanges();
  const load = (id: string) => loadJob(em, id);
  const scheduler = createJobScheduler({ ...options, changes, load });
  const { save, recordTransition } = scheduler;
  let sweeper: RepeatingTask | undefined;

  /** FAILED_PRECONDITION `JOB_NOT_INTERRUPTED` unless the job is INTERRUPTED. */
  function assertInterrupted(row: JobRow): void {
    if (row.state !== 'interrupted') {
      throw new AppError(
        Code.FAILED_PRECONDITION,
        DeviceReason.JOB_NOT_INTERRUPTED,
        `jobs/${row.id} is ${row.state.toUpperCase()}, not INTERRUPTED`,
      );
    }
  }

  /** Deletes one ended job, auditing it as `facts` when given; false when it is gone or has not ended. */
  async function remove(id: string, facts?: CallFacts): Promise<boolean> {
    const deleted = await em().nativeDelete(JobSchema, { id, state: { $in: [...ENDED_JOB_STATES] } });
    if (deleted === 1 && facts !== undefined) {
      void auditCall(audit, 'devices', facts, {
        outcome: 'success',
        target: `jobs/${id}`,
        details: { state: 'deleted' },
      }).catch(() => {});
    }
    return deleted === 1;
  }

  return {
    /**
     * Validates every step and queues the job. A `requestId` the creator used before returns
     * the job it created then. The call is audited by its procedure; the job's own transitions
     * (running, ended, interrupted, deleted by retention) here.
     */
    async create(input: {
      id: string;
      requestId: string;
      displayName: string;
      description: string;
      labels: Record<string, string>;
      steps: StepInput[];
      creator: string;
      creatorAdmin: boolean;
    }): Promise<JobRow> {
      if (input.requestId.length > 128) {
        throw invalidField(DeviceReason.INVALID_JOB, 'request_id', 'request_id has at most 128 characters');
      }
      const requestKey = input.requestId === '' ? null : `${input.creator} ${input.requestId}`;
      const earlier = requestKey === null ? null : await em().findOne(JobSchema, { requestId: requestKey });
      if (earlier !== null) return earlier;
      const id = input.id === '' ? `j-${createUlid().toLowerCase()}` : input.id;
      assertResourceId(id, 'job_id');
      if (input.steps.length === 0 || input.steps.length > 100) {
        throw invalidField(DeviceReason.INVALID_JOB, 'job.steps', 'a job has 1 to 100 steps');
      }
      const stored = await assertValidSteps(em, devices, input.steps);
      const fork = em();
      const row = fork.create(JobSchema, {
        id,
        displayName: input.displayName,
        description: input.description,
        labels: input.labels,
        steps: stored,
        results: stored.map((step) => pendingResult(step.group)),
        state: 'queued',
        error: null,
        creator: input.creator,
        requestId: requestKey,
        creatorAdmin: input.creatorAdmin,
        node,
        createTime: new Date(),
        startTime: null,
        endTime: null,
      });
      try {
        await fork.flush();
      } catch (error) {
        if (AppError.from(error).code !== Code.ALREADY_EXISTS) throw error;
        // A concurrent retry with the same request id won the race: answer with its job.
        const raced = requestKey === null ? null : await em().findOne(JobSchema, { requestId: requestKey });
        if (raced !== null) return raced;
        throw new AppError(Code.ALREADY_EXISTS, DeviceReason.JOB_EXISTS, `jobs/${id} already exists`);
      }
      scheduler.enqueue(row.id);
      return row;
    },

    get: load,

    async list(request: { pageSize: number; pageToken: string; filter: string }) {
      const where = compileEqualityFilter(request.filter, {
        state: {
          column: 'state',
          value: (text) => {
            const state = text.replace(/^JOB_STATE_/, '').toLowerCase();
            return (JOB_STATES as readonly string[]).includes(state) ? state : undefined;
          },
        },
        creator: { column: 'creator' },
        display_name: { column: 'displayName' },
      });
      return findKeysetPage(em(), JobSchema, where as never, JOB_ORDER, request);
    },

    /**
     * Cancels a QUEUED or RUNNING job of this node; its running execution is cancelled too, as
     * `facts` (the caller) say.
     */
    async cancel(id: string, facts: CallFacts): Promise<JobRow> {
      const row = await load(id);
      if (row.state !== 'queued' && row.state !== 'running') {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          DeviceReason.JOB_ENDED,
          row.state === 'interrupted'
            ? `jobs/${id} is INTERRUPTED; abandon it instead`
            : `jobs/${id} has already ended (${row.state})`,
        );
      }
      if (row.node !== node) {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          DeviceReason.EXECUTION_ELSEWHERE,
          `jobs/${id} runs on node ${row.node}, which alone can cancel it`,
        );
      }
      if (scheduler.dequeue(id)) {
        endUnfinished(row.results, 'cancelled');
        row.state = 'cancelled';
        row.endTime = new Date();
        await save(row);
        return row;
      }
      scheduler.abort(id);
      // The step's execution, waiting or running, is cancelled too (it carries the job's id).
      const inFlight = await em().find(ExecutionSchema, { job: id, state: { $in: ['queued', 'running'] } });
      for (const execution of inFlight) {
        await executions.cancel(execution.device, execution.id, facts).catch(() => {});
      }
      for (let i = 0; i < 200; i += 1) {
        const now = await load(id);
        if (now.state !== 'running') return now;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return load(id);
    },

    /** Queues an INTERRUPTED job again on this node, from its unfinished steps. */
    async resume(id: string): Promise<JobRow> {
      const row = await load(id);
      assertInterrupted(row);
      const updated = await em().nativeUpdate(
        JobSchema,
        { id, state: 'interrupted' },
        { state: 'queued', node },
      );
      if (updated !== 1) assertInterrupted(await load(id)); // another call got there first
      row.state = 'queued';
      row.node = node;
      changes.publish(row);
      scheduler.enqueue(id);
      return row;
    },

    /** Ends an INTERRUPTED job CANCELLED without running anything more. */
    async abandon(id: string): Promise<JobRow> {
      const row = await load(id);
      assertInterrupted(row);
      endUnfinished(row.results, 'cancelled');
      row.state = 'cancelled';
      row.endTime = new Date();
      const updated = await em().nativeUpdate(
        JobSchema,
        { id, state: 'interrupted' },
        { state: row.state, results: row.results, endTime: row.endTime },
      );
      if (updated !== 1) assertInterrupted(await load(id));
      changes.publish(row);
      return row;
    },

    /** Deletes a job that has ended. */
    async delete(id: string): Promise<void> {
      const row = await load(id);
      if (!ENDED_JOB_STATES.includes(row.state) || !(await remove(id))) {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          DeviceReason.JOB_NOT_ENDED,
          `jobs/${id} is ${row.state.toUpperCase()}; only a job that has ended can be deleted`,
        );
      }
    },

    /** Deletes the jobs that ended more than the retention before `now`; resolves how many. */
    async sweep(now = Date.now()): Promise<number> {
      const expired = await em().find(
        JobSchema,
        { state: { $in: [...ENDED_JOB_STATES] }, endTime: { $lt: new Date(now - retentionMs) } },
        { fields: ['id'], limit: 1000 },
      );
      const facts = localCallFacts('hcs.v1.DeviceService.DeleteJob', 'retention');
      let deleted = 0;
      for (const row of expired) if (await remove(row.id, facts)) deleted += 1;
      return deleted;
    },

    /** The job now, then after each change, until it leaves QUEUED and RUNNING. */
    watch(id: string, signal: AbortSignal) {
      return changes.watch(id, () => load(id), signal);
    },

    /**
     * After a restart, before this node's executions are picked up: RUNNING jobs, whose step may
     * have acted, become INTERRUPTED until ResumeJob or AbandonJob, and their executions still
     * QUEUED are cancelled, so nothing of theirs runs on its own.
     */
    async recover(): Promise<void> {
      const rows = await em().find(JobSchema, { node, state: 'running' });
      const facts = localCallFacts('hcs.v1.DeviceService.CreateJob', 'restart');
      for (const row of rows) {
        for (const result of row.results) if (result.state === 'running') interrupt(result);
        row.state = 'interrupted';
        await save(row);
        recordTransition(row, facts);
        const queued = await em().find(ExecutionSchema, { job: row.id, node, state: 'queued' });
        for (const execution of queued) {
          await executions.cancel(execution.device, execution.id, facts).catch(() => {});
        }
      }
    },

    /** Runs this node's QUEUED jobs and starts the retention sweeper. */
    async start(): Promise<void> {
      const rows = await em().find(JobSchema, { node, state: 'queued' }, { orderBy: { createTime: 'asc' } });
      for (const row of rows) scheduler.enqueue(row.id);
      const interval = Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(500, Math.floor(retentionMs / 2)));
      sweeper = startRepeatingTask({
        intervalMs: interval,
        run: () => this.sweep(),
        onError: (error) => logger.warn({ err: error }, 'job retention sweep failed'),
      });
    },

    /** Stops the sweeper (waiting for a sweep in flight) and the scheduler. */
    async close(): Promise<void> {
      scheduler.close();
      await sweeper?.stop();
    },
  };
}
