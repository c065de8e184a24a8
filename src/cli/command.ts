/**
 * One `hcs` command, as the command table lists it. `run` resolves to the exit code (0 success,
 * 1 a failed check); what it throws is mapped by `main.ts`: a {@link UsageError} or a command
 * line `node:util` `parseArgs` refused, and an invalid configuration, exit 2; anything else
 * exits 1 with its message.
 */
export interface Command {
  /** One line, shown by `hcs --help`. */
  readonly summary: string;
  /** The text of `hcs <command> --help`. */
  readonly help: string;
  run(args: string[]): Promise<number>;
}
