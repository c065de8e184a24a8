import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Resolved here so a child started in another directory (free of any .env) still finds tsx.
const TSX = import.meta.resolve('tsx');

// Every directory tempDir() made and nobody removed yet; whatever is left goes when the run ends.
const madeDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh, empty temporary directory (`hcs-…` in the OS temp dir). Helpers remove theirs with
 * {@link removeTempDir} when what used it is closed; anything still there is removed when the
 * test process exits, so a run leaves no folder behind.
 */
export function tempDir(prefix = 'hcs-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.add(dir);
  return dir;
}

/** Removes a directory made by {@link tempDir}, with everything in it. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  madeDirs.delete(dir);
}

/** A child process with its output collected line by line. */
export interface RunningProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the exit code (or 128+signal number) once the process ends. */
  readonly exited: Promise<number>;
  /** The JSON log lines printed so far. */
  logLines(): Record<string, unknown>[];
  /** Resolves with the first JSON log line matching, or rejects after `timeoutMs`. */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

/** Options of {@link runTs}. */
export interface RunOptions {
  /** Extra environment; HCS_* variables of the test runner's own environment are dropped. */
  env?: Record<string, string>;
  /** Working directory. Default: a new temporary directory, removed once the process has exited. */
  cwd?: string;
}

/** Runs a TypeScript entry point of this repository (through tsx) as a child process. */
export function runTs(script: string, args: string[], options: RunOptions = {}): RunningProcess {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('HCS_')),
  );
  const cwd = options.cwd ?? tempDir();
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, script), ...args], {
    cwd,
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = watch(child);
  if (options.cwd === undefined)
    return { ...running, exited: running.exited.finally(() => removeTempDir(cwd)) };
  return running;
}

/** Collects a child's output. */
export function watch(child: ChildProcess): RunningProcess {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: (() => void)[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines);
      for (const waiter of waiters.splice(0)) waiter();
    };
  };
  child.stdout?.on('data', collect(stdout));
  child.stderr?.on('data', collect(stderr));
  // 'close', not 'exit': it comes after the output streams end, so no line is missed.
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code, signal) => {
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15));
      for (const waiter of waiters.splice(0)) waiter();
    });
  });
  const logLines = () =>
    stdout.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return {
    child,
    stdout,
    stderr,
    exited,
    logLines,
    waitForLog(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `no matching log line within ${timeoutMs} ms\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
            ),
          );
        }, timeoutMs);
        const check = () => {
          const found = logLines().find(match);
          if (found !== undefined) {
            clearTimeout(timer);
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            reject(
              new Error(
                `process exited (${child.exitCode ?? child.signalCode})\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
              ),
            );
          } else {
            waiters.push(check);
          }
        };
        check();
      });
    },
  };
}
