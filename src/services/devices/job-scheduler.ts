import type { EntityManager } from '@mikro-orm/core';
import type { AuditLog } from '../../platform/db/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { auditCall, type CallFacts, localCallFacts } from '../common/index.ts';
import type { CommandExecutions } from './command-executions.ts';
import { type JobRow, JobSchema, type StoredStepResult } from './job.entity.ts';
import type { createJobChanges } from './job-changes.ts';
import { createStepRunner } from './job-steps.ts';
import type { LatestReadings } from './latest-readings.ts';
import { DeviceReason } from './reasons.ts';

/** Jobs running at once on one node; more wait QUEUED. */
export const MAX_RUNNING_JOBS = 4;

/** Loads a job: NOT_FOUND `JOB_NOT_FOUND` when there is none. */
export async function loadJob(em: () => EntityManager, id: string): Promise<JobRow> {
  const row = await em().findOne(JobSchema, { id });
  if (row === null)
    throw new AppError(Code.NOT_FOUND, DeviceReason.JOB_NOT_FOUND, `jobs/${id} does not exist`);
  return row;
}

/** Sets every result not yet ended (and those of its group) to `state`. */
export function endUnfinished(results: StoredStepResult[], state: 'cancelled' | 'skipped'): void {
  for (const result of results) {
    if (result.state === 'pending' || result.state === 'running') result.state = state;
    if (result.group !== undefined) endUnfinished(result.group, state);
  }
}

/** The node's job runner: a bounded queue of jobs, each run step by step in the background. */
export type JobScheduler = ReturnType<typeof createJobScheduler>;

/**
 * Creates the scheduler. It runs at most {@link MAX_RUNNING_JOBS} jobs at once, saves each
 * change (telling watchers through `changes`) and audits each job transition; once closed it
 * writes nothing more, so the jobs it was running stay RUNNING for the next start to interrupt.
 */
export function createJobScheduler(options: {
  em: () => EntityManager;
  executions: CommandExecutions;
  readings: LatestReadings;
  audit: AuditLog;
  logger: Logger;
  changes: ReturnType<typeof createJobChanges>;
  load: (id: string) => Promise<JobRow>;
}) {
  const { em, audit, logger, changes, load } = options;
  const steps = createStepRunner(options);
  const waiting: string[] = [];
  const running = new Map<string, AbortController>();
  let closing = false;

  /** The save of each job in flight: a job's saves run one after the other, so none lands out of order. */
  const saving = new Map<string, Promise<void>>();

  function save(row: JobRow): Promise<void> {
    const previous = saving.get(row.id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => write(row));
    saving.set(row.id, next);
    const forget = () => {
      if (saving.get(row.id) === next) saving.delete(row.id);
    };
    next.then(forget, forget);
    return next;
  }

  async function write(row: JobRow): Promise<void> {
    // Once closing, the rows stay as they were: `recover` marks them INTERRUPTED at the next start.
    if (closing) return;
    await em().nativeUpdate(
      JobSchema,
      { id: row.id },
      {
        results: row.results,
        state: row.state,
        error: row.error,
        node: row.node,
        startTime: row.startTime,
        endTime: row.endTime,
      },
    );
    changes.publish(row);
  }

  /** Audits a job's move to its current state. */
  function recordTransition(row: JobRow, facts: CallFacts, details: Record<string, string> = {}): void {
    void auditCall(audit, 'devices', facts, {
      actor: facts.actor,
      outcome: row.state === 'failed' ? 'failure' : 'success',
      target: `jobs/${row.id}`,
      ...(row.error == null ? {} : { statusCode: row.error.code, statusMessage: row.error.message }),
      details: { state: row.state, ...details },
    }).catch((error: unknown) =>
      logger.warn({ err: error, job: `jobs/${row.id}` }, 'job transition not audited'),
    );
  }

  const pump = () => {
    while (!closing && running.size < MAX_RUNNING_JOBS && waiting.length > 0) {
      const id = waiting.shift() as string;
      const controller = new AbortController();
      running.set(id, controller);
      void run(id, controller.signal)
        .catch((error: unknown) => logger.error({ err: error, job: `jobs/${id}` }, 'job failed to run'))
        .finally(() => {
          running.delete(id);
          pump();
        });
    }
  };

  async function run(id: string, signal: AbortSignal): Promise<void> {
    const row = await load(id);
    if (row.state !== 'queued') return;
    const facts = localCallFacts('hcs.v1.DeviceService.CreateJob', row.creator);
    row.state = 'running';
    row.startTime ??= new Date();
    await save(row);
    recordTransition(row, facts);
    const stepRun = { row, facts, signal, save: () => save(row) };
    for (const [index, step] of row.steps.entries()) {
      const result = row.results[index] as StoredStepResult;
      if (result.state !== 'pending') continue; // ended before an interruption
      if (signal.aborted) break;
      const outcome = await steps.runStep(stepRun, step, result, String(index));
      if (closing) return;
      if (signal.aborted) break;
      if (outcome === 'failed' && step.onFailure === 'abort') {
        row.state = 'failed';
        row.error = result.error;
        endUnfinished(row.results, 'skipped');
        break;
      }
      await save(row);
    }
    if (closing) return;
    if (signal.aborted) {
      endUnfinished(row.results, 'cancelled');
      row.state = 'cancelled';
    } else if (row.state === 'running') row.state = 'succeeded';
    row.endTime = new Date();
    await save(row);
    recordTransition(row, facts);
  }

  return {
    save,
    recordTransition,
    /** Queues a QUEUED job to run when a slot is free. */
    enqueue(id: string): void {
      waiting.push(id);
      pump();
    },
    /** Takes a job out of the queue before it started; false when it was not waiting. */
    dequeue(id: string): boolean {
      const at = waiting.indexOf(id);
      if (at >= 0) waiting.splice(at, 1);
      return at >= 0;
    },
    /** Stops a running job: its step and the rest end CANCELLED. */
    abort(id: string): void {
      running.get(id)?.abort();
    },
    close(): void {
      closing = true;
      for (const controller of running.values()) controller.abort();
    },
  };
}
