import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Real executables for command tests, written into `dir` with mode 0755 (never group- or
 * world-writable, which the allow-list would refuse).
 */
export const SCRIPTS = {
  /** Prints each argument followed by a NUL, so a test reads back exactly the argv it got. */
  'echo-argv': '#!/bin/sh\nprintf \'%s\\0\' "$@"\n',
  /** Starts a grandchild that sleeps, prints its pid, then sleeps itself. */
  'spawn-grandchild': '#!/bin/sh\nsleep 300 &\necho "$!"\nsleep 300\n',
  /** Writes `$1` bytes of "x" to stdout and `$1` bytes of "y" to stderr. */
  flood: '#!/bin/sh\nhead -c "$1" /dev/zero | tr \'\\0\' x\nhead -c "$1" /dev/zero | tr \'\\0\' y >&2\n',
  /** Prints "tick N" every 100 ms, `$1` times, then exits 3. */
  ticker: '#!/bin/sh\ni=0\nwhile [ "$i" -lt "$1" ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done\nexit 3\n',
  /** Prints its environment. */
  env: '#!/bin/sh\nenv\n',
} as const;

/** Writes every {@link SCRIPTS} entry into `dir`; returns their absolute paths by name. */
export function writeScripts(dir: string): Record<keyof typeof SCRIPTS, string> {
  chmodSync(dir, 0o755);
  const paths = {} as Record<keyof typeof SCRIPTS, string>;
  for (const [name, text] of Object.entries(SCRIPTS) as [keyof typeof SCRIPTS, string][]) {
    const path = join(dir, `${name}.sh`);
    writeFileSync(path, text);
    chmodSync(path, 0o755);
    paths[name] = path;
  }
  return paths;
}

/** Whether `pid` is gone: no such process, or a zombie nobody has reaped yet (it runs nothing). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
