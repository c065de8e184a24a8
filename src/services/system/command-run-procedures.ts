import {
  CommandOutputStream,
  type CommandRun as CommandRunMessage,
  CommandRunState as CommandRunStateMessage,
  type SystemServiceService,
} from '../../gen/hcs/v1/system.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { durationFromMs, ListReason, msFromDuration } from '../common/index.ts';
import type { CommandRunState } from './command-run.entity.ts';
import type { CommandRuns, RunSnapshot } from './command-runs.ts';
import { SystemReason } from './reasons.ts';

/** The command run RPCs of SystemService. */
export type CommandRunProcedures = Pick<
  ServiceImplementation<typeof SystemServiceService>,
  'runCommand' | 'getCommandRun' | 'listCommandRuns' | 'cancelCommandRun' | 'watchCommandRun'
>;

const STATES: Record<CommandRunState, CommandRunStateMessage> = {
  running: CommandRunStateMessage.COMMAND_RUN_STATE_RUNNING,
  succeeded: CommandRunStateMessage.COMMAND_RUN_STATE_SUCCEEDED,
  failed: CommandRunStateMessage.COMMAND_RUN_STATE_FAILED,
  timed_out: CommandRunStateMessage.COMMAND_RUN_STATE_TIMED_OUT,
  cancelled: CommandRunStateMessage.COMMAND_RUN_STATE_CANCELLED,
  interrupted: CommandRunStateMessage.COMMAND_RUN_STATE_INTERRUPTED,
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of `prefix{id}` in `field`; INVALID_ARGUMENT `INVALID_NAME` naming `field` otherwise. */
export function idFromName(name: string, prefix: string, field: string): string {
  if (!name.startsWith(prefix) || name.length === prefix.length || name.slice(prefix.length).includes('/')) {
    throw invalidField(SystemReason.INVALID_NAME, field, `${field} must be ${prefix}{id}`);
  }
  return name.slice(prefix.length);
}

/** Maps the command run RPCs onto {@link CommandRuns}. */
export function commandRunProcedures(runs: CommandRuns): CommandRunProcedures {
  return {
    async runCommand(request, ctx) {
      if (request.requestId !== '' && !REQUEST_ID.test(request.requestId)) {
        throw invalidField(
          SystemReason.INVALID_REQUEST_ID,
          'request_id',
          'request_id must be at most 128 characters of A-Z, a-z, 0-9, ".", "_", ":", "-"',
        );
      }
      const run = await runs.start({
        command: idFromName(request.name, 'allowedCommands/', 'name'),
        arguments: request.arguments,
        timeoutMs: request.timeout === undefined ? undefined : msFromDuration(request.timeout),
        requestId: request.requestId,
        wait: request.wait,
        actor: ctx.principal.subject,
        signal: ctx.signal,
      });
      return { commandRun: commandRunToMessage(run, true) };
    },
    async getCommandRun(request) {
      return {
        commandRun: commandRunToMessage(
          await runs.get(idFromName(request.name, 'commandRuns/', 'name')),
          true,
        ),
      };
    },
    async listCommandRuns(request) {
      const state = Object.entries(STATES).find(([, value]) => value === request.state)?.[0];
      if (request.state !== 0 && state === undefined) {
        throw invalidField(
          ListReason.INVALID_LIST_OPTION,
          'state',
          `state ${request.state} is not a known value`,
        );
      }
      const page = await runs.list({
        pageSize: request.pageSize,
        pageToken: request.pageToken,
        command: request.command === '' ? '' : idFromName(request.command, 'allowedCommands/', 'command'),
        state: state as CommandRunState | undefined,
      });
      return {
        commandRuns: page.runs.map((row) => commandRunToMessage({ row, output: undefined }, false)),
        nextPageToken: page.nextPageToken,
      };
    },
    async cancelCommandRun(request, ctx) {
      const run = await runs.cancel(idFromName(request.name, 'commandRuns/', 'name'), ctx.principal.subject);
      return { commandRun: commandRunToMessage(run, false) };
    },
    async *watchCommandRun(request, ctx) {
      for await (const event of runs.watch(idFromName(request.name, 'commandRuns/', 'name'), ctx.signal)) {
        if ('run' in event) yield { run: commandRunToMessage(event.run, false) };
        else {
          yield {
            output: {
              stream:
                event.output.stream === 'stdout'
                  ? CommandOutputStream.COMMAND_OUTPUT_STREAM_STDOUT
                  : CommandOutputStream.COMMAND_OUTPUT_STREAM_STDERR,
              data: event.output.data,
            },
          };
        }
      }
    },
  };
}

/** The proto `CommandRun`; with `withOutput`, the output kept so far. */
export function commandRunToMessage(run: RunSnapshot, withOutput: boolean): CommandRunMessage {
  const { row } = run;
  const ended = row.endTime ?? undefined;
  const stdout = run.output?.stdout ?? row.stdout ?? Buffer.alloc(0);
  const stderr = run.output?.stderr ?? row.stderr ?? Buffer.alloc(0);
  return {
    name: `commandRuns/${row.id}`,
    command: `allowedCommands/${row.command}`,
    arguments: { ...row.arguments },
    argv: [...row.argv],
    state: STATES[row.state],
    pid: row.pid,
    exit:
      ended === undefined || row.state === 'interrupted'
        ? undefined
        : {
            exitCode: row.exitCode ?? 0,
            signal: row.signal ?? '',
            timedOut: row.state === 'timed_out',
            duration: durationFromMs(ended.getTime() - row.startTime.getTime()),
          },
    stdout: withOutput ? Buffer.from(stdout) : Buffer.alloc(0),
    stderr: withOutput ? Buffer.from(stderr) : Buffer.alloc(0),
    stdoutTruncated: run.output?.stdoutTruncated ?? row.stdoutTruncated,
    stderrTruncated: run.output?.stderrTruncated ?? row.stderrTruncated,
    startTime: row.startTime,
    endTime: ended,
    timeout: durationFromMs(row.timeoutMs),
    actor: row.actor,
    requestId: row.requestId ?? '',
    cancelledBy: row.cancelledBy,
  };
}
