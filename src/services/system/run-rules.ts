import type { ProcessOutcome } from './command-process.ts';
import type { CommandRunState } from './command-run.entity.ts';

/** The environment every command starts from; the allow-list entry adds its own. */
const BASE_ENVIRONMENT = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
} as const;

/** The whole environment of a command: the fixed base plus the command's own, never hcs's. */
export function commandEnvironment(own: Readonly<Record<string, string>>): Record<string, string> {
  return { ...BASE_ENVIRONMENT, ...own };
}

/** Whether `id` is a run id (a ULID). */
export function isRunId(id: string): boolean {
  return /^[0-9A-Z]{26}$/.test(id);
}

/** The final state of a run that ended with `outcome`. */
export function stateOf(outcome: ProcessOutcome): CommandRunState {
  if (outcome.timedOut) return 'timed_out';
  if (outcome.cancelled) return 'cancelled';
  return outcome.exitCode === 0 ? 'succeeded' : 'failed';
}
