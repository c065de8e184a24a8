/**
 * Runs h2load (Debian's nghttp2-client), a C load generator in its own process, and reads its
 * throughput and per-request latencies (from its --log-file) and its failure count. Shared by
 * the benchmarks so every figure in bench/README.md comes from the same generator.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * The CPUs this process may run on, read when the module loads, before {@link pinThisProcess}
 * pins it to one: read after, it is 1, and a load started then would share the server's core.
 * (Not `cpus()`, which counts the host's CPUs also in a container allowed fewer.)
 */
const MACHINE_CPUS = availableParallelism();

/**
 * The command line that runs `file args` on one CPU with taskset: servers on CPU 0, the load
 * generator on CPU 1, so neither steals the other's core and the comparison is of one core's
 * worth of server. Unpinned when taskset is missing or the machine has one CPU.
 */
export function onCpu(cpu: 0 | 1, file: string, args: string[]): [string, string[]] {
  const pin = MACHINE_CPUS >= 2 && existsSync('/usr/bin/taskset');
  return pin ? ['/usr/bin/taskset', ['-c', String(cpu), file, ...args]] : [file, args];
}

/**
 * Moves this process, every thread of it, onto one CPU, as {@link onCpu} does for a child: for
 * a benchmark whose server must run in its own process (an in-process adapter, say). Children
 * started after it inherit the CPU unless started with {@link onCpu}.
 */
export function pinThisProcess(cpu: 0 | 1): void {
  if (MACHINE_CPUS < 2 || !existsSync('/usr/bin/taskset')) return;
  execFileSync('/usr/bin/taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/** The CPU the servers run on, see {@link onCpu}. */
export const SERVER_CPU = 0;
/** The CPU the load generator runs on, see {@link onCpu}. */
export const LOAD_CPU = 1;

/** One load run's figures. */
export interface LoadResult {
  rps: number;
  p50us: number;
  p99us: number;
  failed: number;
  done: number;
}

/** Options of {@link runH2load}. */
export interface H2loadOptions {
  url: string;
  logFile: string;
  durationSeconds: number;
  warmupSeconds: number;
  clients: number;
  /** Concurrent streams per HTTP/2 connection; 1 for HTTP/1.1 (no pipelining). */
  streams: number;
  http1?: boolean;
  method?: string;
  headers?: string[];
  /** A file whose bytes are each request's body. */
  dataFile?: string;
}

export function runH2load(options: H2loadOptions): LoadResult {
  const args = [
    `--duration=${options.durationSeconds}`,
    `--warm-up-time=${options.warmupSeconds}`,
    `--clients=${options.clients}`,
    `--max-concurrent-streams=${options.streams}`,
    `--log-file=${options.logFile}`,
    ...(options.http1 ? ['--h1'] : []),
    ...(options.method ? [`--method=${options.method}`] : []),
    ...(options.dataFile ? [`--data=${options.dataFile}`] : []),
    ...(options.headers ?? []).map((header) => `--header=${header}`),
    options.url,
  ];
  // taskset execs h2load in place: the load runs on its own core.
  const output = execFileSync(...onCpu(LOAD_CPU, 'h2load', args), { encoding: 'utf8' });
  const rps = Number(/finished in [\d.]+s, ([\d.]+) req\/s/.exec(output)?.[1] ?? Number.NaN);
  const failed = Number(/(\d+) failed/.exec(output)?.[1] ?? Number.NaN);
  const done = Number(/(\d+) done/.exec(output)?.[1] ?? Number.NaN);
  // A request answered 401 or 500 is "done" for h2load: count what was not 2xx as failed too.
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(output);
  const not2xx = codes === null ? Number.NaN : Number(codes[2]) + Number(codes[3]) + Number(codes[4]);
  const latencies = readFileSync(options.logFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => Number(line.split('\t')[2]))
    .sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? Number.NaN;
  return { rps: Math.round(rps), p50us: at(50), p99us: at(99), failed: failed + not2xx, done };
}

/** utime + stime of a process from /proc, in microseconds (clock ticks are 1/100 s on Linux). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** The median of a list (the upper one for an even count). */
export function median(items: number[]): number {
  return [...items].sort((a, b) => a - b)[Math.floor(items.length / 2)] ?? 0;
}
