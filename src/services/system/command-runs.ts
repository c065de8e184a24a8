import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { findKeysetPage, type KeysetOrder } from '../common/index.ts';
import type { AllowList } from './allowed-commands.ts';
import { commandLineOf } from './command-arguments.ts';
import { type KeptOutput, type OutputChunk, spawnCommand } from './command-process.ts';
import { type CommandRun, CommandRunSchema, type CommandRunState } from './command-run.entity.ts';
import { executableProblems } from './executable-check.ts';
import { type LiveRun, LiveRuns } from './live-runs.ts';
import { SystemReason } from './reasons.ts';
import { assertMayRunCommandsAs } from './run-as-user.ts';
import { commandEnvironment, isRunId, stateOf } from './run-rules.ts';

/** A run as a caller sees it: the stored row, with the live output while it runs. */
export interface RunSnapshot {
  row: CommandRun;
  output: KeptOutput | undefined;
}

/** One event of {@link CommandRuns.watch}. */
export type RunEvent = { run: RunSnapshot } | { output: OutputChunk };

/** What a start asks for. */
export interface StartRun {
  command: string;
  arguments: Record<string, string>;
  /** Undefined: the command's default. */
  timeoutMs: number | undefined;
  /** '' for none. */
  requestId: string;
  wait: boolean;
  actor: string;
  /** The call's signal: ending it stops the waiting, never the run. */
  signal: AbortSignal;
}

/** Options of {@link createCommandRuns}. */
export interface CommandRunsOptions {
  /** Undefined while no allow-list is configured: nothing runs. */
  allowList: () => AllowList | undefined;
  em: () => EntityManager;
  logger: Logger;
  /** Working directory of a command that names none. */
  dataDir: string;
  maxConcurrentRuns: number;
  retentionMs: number;
  allowRoot: boolean;
  /** Names this process in the rows it owns, e.g. `host:/var/lib/hcs`. */
  runner: string;
  /** The user id hcs runs as. Default `process.getuid()`. */
  uid?: () => number | undefined;
}

const RUN_ORDER: KeysetOrder<CommandRun> = {
  key: 'id',
  direction: 'desc',
  cursorPrefix: 'r1:',
  keyPattern: /^[0-9A-Z]{26}$/,
};

/** Command runs: started, watched, cancelled, listed, kept for the retention period. */
export type CommandRuns = ReturnType<typeof createCommandRuns>;

/**
 * Runs allow-listed commands as stored resources. A run belongs to this process, not to the
 * call that started it: a caller going away stops its waiting, never the run; only
 * {@link CommandRuns.cancel} (or the timeout) ends it early.
 */
export function createCommandRuns(options: CommandRunsOptions) {
  const live = new LiveRuns(options.maxConcurrentRuns);
  const uid = options.uid ?? (() => process.getuid?.());
  const cutoff = () => new Date(Date.now() - options.retentionMs);

  async function load(id: string, field = 'name'): Promise<CommandRun> {
    if (!isRunId(id)) {
      throw invalidField(SystemReason.INVALID_NAME, field, `${field} must be commandRuns/{id}`);
    }
    const row = await options.em().findOne(CommandRunSchema, { id });
    if (row === null || (row.endTime !== null && row.endTime !== undefined && row.endTime < cutoff())) {
      throw new AppError(Code.NOT_FOUND, SystemReason.RUN_NOT_FOUND, `command run ${id} does not exist`);
    }
    return row;
  }

  const snapshot = (row: CommandRun): RunSnapshot => ({ row, output: live.get(row.id)?.process.output() });

  async function finish(id: string, run: LiveRun): Promise<void> {
    const outcome = await run.process.done;
    const output = run.process.output();
    const state: CommandRunState = stateOf(outcome);
    await options.em().nativeUpdate(
      CommandRunSchema,
      { id },
      {
        state,
        exitCode: outcome.exitCode,
        signal: outcome.signal,
        stdout: output.stdout,
        stderr: output.stderr,
        stdoutTruncated: output.stdoutTruncated,
        stderrTruncated: output.stderrTruncated,
        endTime: outcome.endTime,
        cancelledBy: outcome.cancelled ? run.cancelledBy : '',
      },
    );
  }

  async function byRequestId(actor: string, requestId: string): Promise<CommandRun | null> {
    return requestId === '' ? null : options.em().findOne(CommandRunSchema, { actor, requestId });
  }

  async function waitFor(row: CommandRun, signal: AbortSignal): Promise<CommandRun> {
    const run = live.get(row.id);
    if (run === undefined) return row;
    const aborted = new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    await Promise.race([run.stored, aborted]);
    return load(row.id);
  }

  return {
    /**
     * Starts a run (see the RunCommand contract for every refusal). A `requestId` this actor
     * used before returns that run and starts nothing, also when both calls race: the unique
     * index decides.
     */
    async start(input: StartRun): Promise<RunSnapshot> {
      const allowList = options.allowList();
      if (allowList === undefined) {
        throw new AppError(
          Code.PERMISSION_DENIED,
          SystemReason.COMMANDS_DISABLED,
          'no command can run: the server has no allow-list (HCS_SYSTEM_COMMANDS_FILE)',
        );
      }
      const command = allowList.get(input.command);
      if (command === undefined) {
        throw new AppError(
          Code.PERMISSION_DENIED,
          SystemReason.COMMAND_NOT_ALLOWED,
          `command ${JSON.stringify(input.command).slice(0, 80)} is not on the allow-list`,
        );
      }
      assertMayRunCommandsAs(uid(), options.allowRoot);
      const args = commandLineOf(command, input.arguments);
      if (input.timeoutMs !== undefined && !(input.timeoutMs > 0)) {
        throw invalidField(SystemReason.INVALID_TIMEOUT, 'timeout', 'timeout must be positive');
      }
      const timeoutMs = Math.min(input.timeoutMs ?? command.defaultTimeoutMs, command.maxTimeoutMs);
      const earlier = await byRequestId(input.actor, input.requestId);
      if (earlier !== null) return snapshot(input.wait ? await waitFor(earlier, input.signal) : earlier);
      if (!live.reserve()) {
        throw new AppError(
          Code.RESOURCE_EXHAUSTED,
          SystemReason.TOO_MANY_RUNS,
          `${options.maxConcurrentRuns} command runs are already running; retry when one has ended`,
        );
      }
      let started = false;
      try {
        const problems = await executableProblems(command.executable, command.sha256);
        if (problems.length > 0) {
          throw new AppError(
            Code.FAILED_PRECONDITION,
            SystemReason.EXECUTABLE_UNSAFE,
            `${command.name} does not run: ${problems.join('; ')}`,
          );
        }
        const em = options.em();
        const row = em.create(CommandRunSchema, {
          command: command.name,
          arguments: input.arguments,
          argv: [command.executable, ...args],
          state: 'running',
          startTime: new Date(),
          timeoutMs,
          actor: input.actor,
          requestId: input.requestId === '' ? null : input.requestId,
          runner: options.runner,
        });
        try {
          await em.persist(row).flush();
        } catch (error) {
          const raced = AppError.from(error).code === Code.ALREADY_EXISTS;
          const first = raced ? await byRequestId(input.actor, input.requestId) : null;
          if (first === null) throw error;
          return snapshot(input.wait ? await waitFor(first, input.signal) : first);
        }
        let process: Awaited<ReturnType<typeof spawnCommand>>;
        try {
          process = await spawnCommand({
            executable: command.executable,
            args,
            cwd: command.workingDirectory ?? options.dataDir,
            env: commandEnvironment(command.environment),
            timeoutMs,
            maxOutputBytes: command.maxOutputBytes,
          });
        } catch (error) {
          const message = `could not start ${command.executable}: ${(error as Error).message}`;
          await options
            .em()
            .nativeUpdate(
              CommandRunSchema,
              { id: row.id },
              { state: 'failed', endTime: new Date(), stderr: Buffer.from(message) },
            );
          return snapshot(await load(row.id));
        }
        started = true;
        await options.em().nativeUpdate(CommandRunSchema, { id: row.id }, { pid: process.pid });
        const run: LiveRun = { process, cancelledBy: '', stored: Promise.resolve() };
        run.stored = finish(row.id, run)
          .catch((error: unknown) =>
            options.logger.error({ err: error, run: row.id }, 'a command run could not be stored'),
          )
          .finally(() => {
            live.delete(row.id);
            live.release();
          });
        live.add(row.id, run);
        options.logger.info({ run: row.id, command: command.name, pid: process.pid }, 'command run started');
        const current = await load(row.id);
        return snapshot(input.wait ? await waitFor(current, input.signal) : current);
      } finally {
        if (!started) live.release();
      }
    },

    /** One run with its output; NOT_FOUND past its retention. */
    async get(id: string): Promise<RunSnapshot> {
      return snapshot(await load(id));
    },

    /** Runs newest first, by keyset, without output. */
    async list(query: {
      pageSize: number;
      pageToken: string;
      command: string;
      state: CommandRunState | undefined;
    }): Promise<{ runs: CommandRun[]; nextPageToken: string }> {
      const where: FilterQuery<CommandRun> = { $or: [{ endTime: null }, { endTime: { $gte: cutoff() } }] };
      if (query.command !== '') where.command = query.command;
      if (query.state !== undefined) where.state = query.state;
      const page = await findKeysetPage(options.em(), CommandRunSchema, where, RUN_ORDER, query);
      return { runs: page.rows, nextPageToken: page.nextPageToken };
    },

    /** Asks a running run's process group to end; FAILED_PRECONDITION once it has ended. */
    async cancel(id: string, actor: string): Promise<RunSnapshot> {
      const row = await load(id);
      const run = live.get(id);
      if (row.state !== 'running') {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          SystemReason.RUN_ENDED,
          `command run ${id} has already ended`,
        );
      }
      if (run === undefined) {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          SystemReason.RUN_ELSEWHERE,
          `command run ${id} runs in another hcs process (${row.runner}), which alone can cancel it`,
        );
      }
      if (run.cancelledBy === '') run.cancelledBy = actor;
      run.process.cancel();
      return snapshot(row);
    },

    /**
     * The run, then its output from the start (live: in arrival order, as it comes; ended:
     * stdout, then stderr), then the final run. Ending `signal` ends the watching only.
     */
    async *watch(id: string, signal: AbortSignal): AsyncGenerator<RunEvent> {
      const row = await load(id);
      const run = live.get(id);
      yield { run: { row, output: undefined } };
      if (run === undefined) {
        for (const [stream, data] of [
          ['stdout', row.stdout],
          ['stderr', row.stderr],
        ] as const) {
          for (let at = 0; data && at < data.length; at += 65_536) {
            yield { output: { stream, data: Buffer.from(data.subarray(at, at + 65_536)) } };
          }
        }
        if (row.state !== 'running') yield { run: { row, output: undefined } };
        return;
      }
      const queue: OutputChunk[] = [...run.process.output().chunks];
      let wake: (() => void) | undefined;
      const unsubscribe = run.process.onChunk((chunk) => {
        queue.push(chunk);
        wake?.();
      });
      let ended = false;
      void run.stored.then(() => {
        ended = true;
        wake?.();
      });
      const onAbort = () => wake?.();
      signal.addEventListener('abort', onAbort);
      try {
        while (!signal.aborted) {
          const chunk = queue.shift();
          if (chunk !== undefined) yield { output: chunk };
          else if (ended) break;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        unsubscribe();
        signal.removeEventListener('abort', onAbort);
      }
      if (!signal.aborted) yield { run: { row: await load(id), output: undefined } };
    },

    /**
     * At start: runs this process owned that are still RUNNING were cut off when it stopped:
     * INTERRUPTED. Then removes runs past retention.
     */
    async open(): Promise<void> {
      const interrupted = await options
        .em()
        .nativeUpdate(
          CommandRunSchema,
          { runner: options.runner, state: 'running' },
          { state: 'interrupted', endTime: new Date() },
        );
      if (interrupted > 0) options.logger.warn({ interrupted }, 'command runs were cut off by the last stop');
      await this.sweep();
    },

    /** Deletes runs that ended before the retention period. Resolves to how many. */
    async sweep(): Promise<number> {
      return options.em().nativeDelete(CommandRunSchema, { endTime: { $lt: cutoff() } });
    },

    /** Runs of this process still running (for shutdown and tests). */
    liveCount: () => live.all().length,
  };
}
