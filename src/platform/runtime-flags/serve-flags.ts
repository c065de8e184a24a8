/**
 * V8 flags `hcs serve` runs with. `--max-semi-space-size` caps each half of V8's young
 * generation, in MiB. Node 24's default lets it grow to 64 MiB per half while the server starts
 * (loading modules, decoding descriptors, opening the database allocate a lot of short-lived
 * objects), and the grown space is never given back: an idle server kept ~56 MB of resident
 * young generation for nothing. At 2 MiB (the best idle RSS of 1, 2, 4, 8 and 16) the young
 * generation stays at 4 MiB. The price is more frequent scavenges under load (bench/README.md
 * has both figures); an operator who prefers throughput gives their own value, which wins.
 */
export const SERVE_V8_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** What {@link serveRelaunch} decides on. */
export interface ServeRelaunchFacts {
  /** `process.argv`: the Node.js binary, the script, then the command and its arguments. */
  argv: readonly string[];
  /** `process.execArgv`: the options Node.js was started with (`--import tsx`, …). */
  execArgv: readonly string[];
  /** `NODE_OPTIONS`, whose flags Node.js applied too. */
  nodeOptions: string | undefined;
  /** Whether `process.execve` exists (Node.js ≥ 22.15, not on Windows). */
  canExecve: boolean;
}

/**
 * The arguments to re-execute the current process with so that `hcs serve` runs with
 * {@link SERVE_V8_FLAGS}, or undefined when it need not (another command, flags already given
 * on the command line or in `NODE_OPTIONS`, or no `process.execve`). V8 sizes its heap when the
 * process starts, so the flags cannot be set later from JavaScript (`v8.setFlagsFromString`
 * changes nothing for a space already configured); replacing the process keeps its pid, its
 * standard streams and its environment, and costs one Node.js boot before anything is loaded.
 * A flag the operator gave wins: nothing is re-executed for a flag already present.
 */
export function serveRelaunch(facts: ServeRelaunchFacts): string[] | undefined {
  const [node, script, command, ...rest] = facts.argv;
  if (command !== 'serve' || node === undefined || script === undefined || !facts.canExecve) return undefined;
  const given = [...facts.execArgv, ...(facts.nodeOptions ?? '').split(/\s+/)];
  const missing = SERVE_V8_FLAGS.filter((flag) => {
    const name = flag.split('=')[0] as string;
    return !given.some((option) => option === name || option.startsWith(`${name}=`));
  });
  if (missing.length === 0) return undefined;
  return [node, ...missing, ...facts.execArgv, script, command, ...rest];
}

/**
 * Re-executes this process with {@link SERVE_V8_FLAGS} when {@link serveRelaunch} says so; does
 * not return then. Returns normally otherwise, or when the system refuses the re-execution (the
 * server then runs with V8's defaults: larger, not broken).
 */
export function relaunchServeWithFlags(): void {
  const args = serveRelaunch({
    argv: process.argv,
    execArgv: process.execArgv,
    nodeOptions: process.env.NODE_OPTIONS,
    canExecve: typeof process.execve === 'function',
  });
  if (args === undefined) return;
  try {
    process.execve?.(process.execPath, args, process.env);
  } catch {
    // execve failed before replacing anything: carry on with the defaults.
  }
}
