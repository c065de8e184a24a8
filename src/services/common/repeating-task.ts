/** Options of {@link startRepeatingTask}. */
export interface RepeatingTaskOptions {
  /** Time between two ticks, in milliseconds. A tick while a run is still going starts none. */
  intervalMs: number;
  /** One run of the work (a sweep, a pass, a round of checks). */
  run: () => Promise<unknown>;
  /** Receives a failed run; the task carries on at the next tick. */
  onError: (error: unknown) => void;
  /** Runs once at start as well, not only after the first interval. Default false. */
  runAtStart?: boolean;
}

/** Background work that repeats until stopped. */
export interface RepeatingTask {
  /**
   * Starts no run from now on and resolves once the run in flight, if any, has settled: a
   * service that awaits it before the database closes never has a query cut off under it.
   * Idempotent.
   */
  stop(): Promise<void>;
}

/**
 * Starts `run` every `intervalMs`, one run at a time. The timer is unref'd: it never keeps the
 * process alive on its own. Used by every service's sweepers and loops, so a graceful stop waits
 * for their last run the same way everywhere.
 */
export function startRepeatingTask(options: RepeatingTaskOptions): RepeatingTask {
  const { run, onError } = options;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped || running !== undefined) return;
    running = run()
      .then(
        () => undefined,
        (error: unknown) => onError(error),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  if (options.runAtStart) tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
