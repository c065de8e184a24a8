import type { EntityManager } from '@mikro-orm/core';
import { AppError, Code } from '../../platform/errors/index.ts';
import { JobSchema, type StoredStep, type StoredStepResult } from './job.entity.ts';
import { DeviceReason } from './reasons.ts';

/**
 * The steps of QUEUED, RUNNING and INTERRUPTED jobs that have not run yet or are running (those
 * of a parallel group one by one), as (job, device, command); `command` is empty for a
 * wait-until step.
 */
async function pendingSteps(
  em: EntityManager,
): Promise<Array<{ job: string; device: string; command: string }>> {
  const jobs = await em.find(JobSchema, { state: { $in: ['queued', 'running', 'interrupted'] } });
  const unfinished = (steps: StoredStep[], results: StoredStepResult[]): StoredStep[] =>
    steps.flatMap((step, index) => {
      const result = results[index];
      if (!['pending', 'running'].includes(result?.state ?? '')) return [];
      return step.group === undefined ? [step] : unfinished(step.group, result?.group ?? []);
    });
  return jobs.flatMap((job) =>
    unfinished(job.steps, job.results)
      .filter((step) => step.device !== '')
      .map((step) => ({ job: job.id, device: step.device, command: step.command })),
  );
}

/** FAILED_PRECONDITION `DEVICE_IN_USE` while a queued or running job still has a step on `device`. */
export async function assertNoJobTargets(em: EntityManager, device: string): Promise<void> {
  const step = (await pendingSteps(em)).find((candidate) => candidate.device === device);
  if (step !== undefined) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      DeviceReason.DEVICE_IN_USE,
      `devices/${device} is a step of jobs/${step.job}, which has not ended; cancel it or wait`,
    );
  }
}

/**
 * FAILED_PRECONDITION `PROFILE_IN_USE` when a command a queued or running job step still needs
 * (on a device of `devices`) is not among `commands`.
 */
export async function assertJobCommandsKept(
  em: EntityManager,
  devices: readonly string[],
  commands: readonly string[],
): Promise<void> {
  const step = (await pendingSteps(em)).find(
    (candidate) =>
      candidate.command !== '' && devices.includes(candidate.device) && !commands.includes(candidate.command),
  );
  if (step !== undefined) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      DeviceReason.PROFILE_IN_USE,
      `command ${step.command} is used by jobs/${step.job}, which has not ended; cancel it or wait`,
    );
  }
}
