import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ulidPrimaryKey } from '../../platform/db/index.ts';

/** Where a run is (proto `hcs.v1.CommandRunState`, lower case). */
export const COMMAND_RUN_STATES = [
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'interrupted',
] as const;

/** A state of {@link COMMAND_RUN_STATES}. */
export type CommandRunState = (typeof COMMAND_RUN_STATES)[number];

/**
 * One run of an allow-listed command (`command_runs`), resource name `commandRuns/{id}`. The
 * row is written when the run starts and once more when it ends, with its exit status and its
 * output (each stream capped by the command's `maxOutputBytes`, so the row stays bounded).
 * `runner` names the process that owns a RUNNING row, so that process, restarted, marks its
 * own runs INTERRUPTED without touching another replica's. A `requestId` is unique per actor:
 * the database, not a check-then-insert, makes a retried start return the first run.
 */
export const CommandRunSchema = defineEntity({
  name: 'CommandRun',
  tableName: 'command_runs',
  properties: {
    id: ulidPrimaryKey(),
    /** The command's id, e.g. `restart-agent`. */
    command: p.string().length(63),
    arguments: p.json<Record<string, string>>(),
    /** The command line as it ran, executable first. */
    argv: p.json<string[]>(),
    state: p.enum(COMMAND_RUN_STATES).index('command_runs_state_index'),
    pid: p.integer().default(0),
    exitCode: p.integer().nullable(),
    /** Signal name that ended the process, e.g. `SIGKILL`; NULL when it exited by itself. */
    signal: p.string().length(16).nullable(),
    stdout: p.blob().nullable(),
    stderr: p.blob().nullable(),
    stdoutTruncated: p.boolean().default(false),
    stderrTruncated: p.boolean().default(false),
    startTime: p.datetime(3),
    /** NULL while running; retention counts from here. */
    endTime: p.datetime(3).nullable().index('command_runs_end_time_index'),
    timeoutMs: p.integer(),
    actor: p.string().length(255),
    requestId: p.string().length(128).nullable(),
    /** Who cancelled the run; `''` unless a call did. */
    cancelledBy: p.string().length(255).default(''),
    runner: p.string().length(255),
  },
  uniques: [{ name: 'command_runs_actor_request_id_unique', properties: ['actor', 'requestId'] }],
});

/** A command run row. */
export type CommandRun = InferEntity<typeof CommandRunSchema>;
