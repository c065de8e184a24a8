import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** One piece of output, as read from the process. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** How a process ended. */
export interface ProcessOutcome {
  /** Exit code; null when a signal ended it. */
  exitCode: number | null;
  /** Signal name that ended it, e.g. `SIGKILL`; null when it exited by itself. */
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  endTime: Date;
}

/** The output kept so far: each stream up to the cap, and the chunks in arrival order. */
export interface KeptOutput {
  stdout: Buffer;
  stderr: Buffer;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  chunks: readonly OutputChunk[];
}

/** Options of {@link spawnCommand}. */
export interface SpawnCommandOptions {
  executable: string;
  args: readonly string[];
  cwd: string;
  /** The whole environment of the process; nothing of hcs's own is inherited. */
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Bytes kept per stream; more is read and dropped, and flagged. */
  maxOutputBytes: number;
  /** Between SIGTERM and SIGKILL. Default 5000 ms. */
  killGraceMs?: number;
}

/** A spawned command. */
export interface CommandProcess {
  readonly pid: number;
  readonly startTime: Date;
  output(): KeptOutput;
  /** Calls `listener` with each kept chunk from now on; returns the unsubscribe function. */
  onChunk(listener: (chunk: OutputChunk) => void): () => void;
  /** Resolves once the process has exited and its process group is gone. Never rejects. */
  readonly done: Promise<ProcessOutcome>;
  /** Ends the process group: SIGTERM, then SIGKILL after the grace time. Idempotent. */
  cancel(): void;
}

/** How long output may still arrive after the exit before the pipes are cut. */
const DRAIN_AFTER_EXIT_MS = 2000;

/**
 * Spawns `executable` with `args` directly (no shell: an argument is never split or
 * interpreted) as the leader of a new process group, so that a timeout or a cancel ends its
 * children and grandchildren too (`kill(-pgid)`); leftovers of the group are killed when the
 * leader exits, so a run leaves nothing behind. Rejects when the process cannot be spawned
 * (ENOENT, EACCES), with the system error.
 */
export async function spawnCommand(options: SpawnCommandOptions): Promise<CommandProcess> {
  const child = spawn(options.executable, [...options.args], {
    cwd: options.cwd,
    env: { ...options.env },
    detached: true,
    shell: false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await Promise.race([once(child, 'spawn'), once(child, 'error').then(([error]) => Promise.reject(error))]);
  return watchProcess(child, options);
}

function watchProcess(child: ChildProcess, options: SpawnCommandOptions): CommandProcess {
  const pid = child.pid as number;
  const startTime = new Date();
  const kept = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const size = { stdout: 0, stderr: 0 };
  const truncated = { stdout: false, stderr: false };
  const chunks: OutputChunk[] = [];
  const listeners = new Set<(chunk: OutputChunk) => void>();
  let timedOut = false;
  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const terminate = () => {
    if (killTimer !== undefined) return;
    killGroup('SIGTERM');
    killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 5000);
    killTimer.unref();
  };
  const read = (stream: 'stdout' | 'stderr') => (data: Buffer) => {
    const room = options.maxOutputBytes - size[stream];
    if (room <= 0) {
      truncated[stream] = true;
      return;
    }
    const piece = data.length > room ? data.subarray(0, room) : data;
    if (data.length > room) truncated[stream] = true;
    kept[stream].push(piece);
    size[stream] += piece.length;
    const chunk = { stream, data: piece };
    chunks.push(chunk);
    for (const listener of listeners) listener(chunk);
  };
  child.stdout?.on('data', read('stdout'));
  child.stderr?.on('data', read('stderr'));
  const timeout = setTimeout(() => {
    timedOut = true;
    terminate();
  }, options.timeoutMs);
  timeout.unref();

  // Listened for from the start: 'close' may follow 'exit' within the same turn.
  const closed = once(child, 'close');
  const done = (async (): Promise<ProcessOutcome> => {
    const [exitCode, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    const endTime = new Date();
    clearTimeout(timeout);
    clearTimeout(killTimer);
    // A grandchild may still hold the pipes open: it is part of the run and ends with it.
    killGroup('SIGKILL');
    const drained = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(resolve, DRAIN_AFTER_EXIT_MS, false).unref()),
    ]);
    if (!drained) {
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
    listeners.clear();
    return { exitCode, signal, timedOut, cancelled, endTime };
  })();

  return {
    pid,
    startTime,
    output: () => ({
      stdout: Buffer.concat(kept.stdout),
      stderr: Buffer.concat(kept.stderr),
      stdoutTruncated: truncated.stdout,
      stderrTruncated: truncated.stderr,
      chunks: [...chunks],
    }),
    onChunk(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    done,
    cancel() {
      if (!timedOut) cancelled = true;
      terminate();
    },
  };
}
