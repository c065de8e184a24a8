import { createUlid } from '../../platform/db/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { CallFacts } from '../common/index.ts';
import type { CommandExecutions } from './command-executions.ts';
import type { JobRow, StoredCondition, StoredStatus, StoredStep, StoredStepResult } from './job.entity.ts';
import { conditionHolds, describeCondition } from './job-conditions.ts';
import type { LatestReadings } from './latest-readings.ts';
import { DeviceReason } from './reasons.ts';
import type { StoredReading } from './typed-value.ts';
import { typedValueFromStored } from './typed-value.ts';

/** Codes after which a step attempt is retried (the contract's transient errors). */
const TRANSIENT = new Set<number>([
  Code.UNAVAILABLE,
  Code.DEADLINE_EXCEEDED,
  Code.ABORTED,
  Code.INTERNAL,
  Code.UNKNOWN,
]);
/** Longest a wait-until step lets one read of its resource take. */
const READ_TIMEOUT_MS = 5000;

/** What a step runs against: the job (mutated in place), its identity and its cancellation. */
export interface StepRun {
  row: JobRow;
  facts: CallFacts;
  signal: AbortSignal;
  /** Persists the job's results and tells its watchers. */
  save(): Promise<void>;
}

/** Runs job steps of every kind, mutating their results; the job's lifecycle is {@link Jobs}'. */
export type StepRunner = ReturnType<typeof createStepRunner>;

/** Creates the step runner over command executions and the latest readings. */
export function createStepRunner(options: { executions: CommandExecutions; readings: LatestReadings }) {
  const { executions, readings } = options;

  /**
   * Runs `step` (its delay, then its kind) and leaves `result` in a terminal state:
   * SUCCEEDED, FAILED, or CANCELLED when `run.signal` aborted. `path` names the step in
   * execution request ids ("2", or "2.1" inside a group).
   */
  async function runStep(
    run: StepRun,
    step: StoredStep,
    result: StoredStepResult,
    path: string,
  ): Promise<'succeeded' | 'failed'> {
    result.state = 'running';
    result.startTime = new Date().toISOString();
    result.error = null;
    await run.save();
    await sleep(step.delayMs, run.signal);
    let outcome: 'succeeded' | 'failed' = 'failed';
    if (!run.signal.aborted) {
      switch (step.kind ?? 'command') {
        case 'command':
          outcome = await runCommand(run, step, result, path);
          break;
        case 'wait':
          await sleep(step.durationMs ?? 0, run.signal);
          outcome = run.signal.aborted ? 'failed' : 'succeeded';
          break;
        case 'wait_until':
          outcome = await runWaitUntil(run, step, step.condition as StoredCondition, result, path);
          break;
        case 'parallel':
          outcome = await runGroup(run, step.group ?? [], result, path);
          break;
      }
    }
    result.state = run.signal.aborted ? 'cancelled' : outcome;
    result.endTime = new Date().toISOString();
    return outcome;
  }

  async function runCommand(
    run: StepRun,
    step: StoredStep,
    result: StoredStepResult,
    path: string,
  ): Promise<'succeeded' | 'failed'> {
    const { row, signal } = run;
    let backoff = step.initialBackoffMs;
    for (let attempt = 1; attempt <= step.maxAttempts && !signal.aborted; attempt += 1) {
      // Counted over resumes too, so each attempt's request id is new.
      result.attempts += 1;
      await run.save();
      let status: StoredStatus;
      let timedOutWrite = false;
      try {
        const execution = await executions.execute({
          device: step.device,
          command: step.command,
          parameters: Object.fromEntries(
            Object.entries(step.parameters).map(([k, v]) => [k, typedValueFromStored(v)]),
          ),
          jsonParameters: {},
          timeoutMs: step.timeoutMs,
          requestId: `job.${row.id}.${path}.${result.attempts}`,
          actor: row.creator,
          admin: row.creatorAdmin,
          facts: run.facts,
          job: row.id,
          signal: new AbortController().signal,
        });
        result.execution = executions.nameOf(execution);
        if (execution.state === 'succeeded') {
          result.readings = execution.readings;
          return 'succeeded';
        }
        status = {
          code: execution.errorCode,
          message: execution.errorMessage,
          reason: execution.stateReason,
        };
        timedOutWrite = execution.state === 'timed_out' && step.commandKind === 'write';
      } catch (error) {
        const appError = AppError.from(error);
        status = { code: appError.code, message: appError.message, reason: appError.reason };
      }
      result.error = status;
      // A write that timed out may have been carried out: only a person may send it again.
      if (timedOutWrite || !TRANSIENT.has(status.code) || attempt >= step.maxAttempts) break;
      await run.save();
      await sleep(backoff, signal);
      backoff = Math.min(step.maxBackoffMs, backoff * step.backoffMultiplier);
    }
    return 'failed';
  }

  async function runWaitUntil(
    run: StepRun,
    step: StoredStep,
    condition: StoredCondition,
    result: StoredStepResult,
    path: string,
  ): Promise<'succeeded' | 'failed'> {
    const { row, signal } = run;
    const since = new Date().toISOString();
    const deadline = Date.now() + step.timeoutMs;
    let last: StoredReading | undefined;
    const met = (reading: StoredReading | undefined) => {
      if (reading === undefined || reading.readTime < since) return false;
      last = reading;
      return conditionHolds(reading.value, condition.op, condition.value);
    };
    while (!signal.aborted) {
      if (met(readings.of(step.device).get(condition.resource))) {
        result.readings = [last as StoredReading];
        return 'succeeded';
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      if (condition.readCommand !== '') {
        const execution = await executions
          .execute({
            device: step.device,
            command: condition.readCommand,
            parameters: {},
            jsonParameters: {},
            timeoutMs: Math.min(READ_TIMEOUT_MS, Math.max(1, left)),
            requestId: `job.${row.id}.${path}.read.${createUlid()}`,
            actor: row.creator,
            admin: row.creatorAdmin,
            facts: run.facts,
            job: row.id,
            signal: new AbortController().signal,
          })
          .catch(() => undefined);
        if (execution !== undefined) {
          result.execution = executions.nameOf(execution);
          const read = execution.readings.find((reading) => reading.resource === condition.resource);
          if (met(read)) {
            result.readings = [read as StoredReading];
            return 'succeeded';
          }
        }
      }
      await sleep(Math.min(condition.pollIntervalMs, Math.max(0, deadline - Date.now())), signal);
    }
    result.readings = last === undefined ? [] : [last];
    result.error = {
      code: Code.DEADLINE_EXCEEDED,
      reason: DeviceReason.CONDITION_NOT_MET,
      message: `${describeCondition(step.device, condition)} was not met within ${step.timeoutMs} ms${
        last === undefined ? '' : ` (last reading ${JSON.stringify(last.value.value)})`
      }`,
    };
    return 'failed';
  }

  async function runGroup(
    run: StepRun,
    steps: StoredStep[],
    result: StoredStepResult,
    path: string,
  ): Promise<'succeeded' | 'failed'> {
    const children = result.group ?? [];
    const outcomes = await Promise.all(
      steps.map(async (child, index) => {
        const childResult = children[index] as StoredStepResult;
        // Ended before an interruption: a resumed group runs only what had not ended.
        if (childResult.state !== 'pending')
          return childResult.state === 'succeeded' ? 'succeeded' : 'failed';
        const outcome = await runStep(run, child, childResult, `${path}.${index}`);
        // Saved as it ends, so watchers see each step of the group end when it does. A failed
        // save only delays that: the group's own end is saved again.
        await run.save().catch(() => undefined);
        return outcome;
      }),
    );
    const aborting = steps.findIndex(
      (child, index) => outcomes[index] === 'failed' && child.onFailure === 'abort',
    );
    if (aborting < 0) return 'succeeded';
    result.error = children[aborting]?.error ?? null;
    return 'failed';
  }

  return { runStep };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
