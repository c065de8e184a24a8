#!/usr/bin/env node
/**
 * The `hcs` command line: check the Node.js version, parse the arguments, run the command, map
 * its outcome to an exit code: 0 success, 1 a failed check or a crash (an unsupported Node.js
 * included), 2 a usage or configuration error.
 *
 * Static imports run before this module's body, so the only one is the version check, which
 * loads nothing native and uses no recent Node.js API; everything else is imported after it
 * passed. On an older Node.js a native module would otherwise crash the process (segmentation
 * fault) or an import would fail with an unrelated message. `serve` then re-executes itself
 * with the V8 flags it needs (`SERVE_V8_FLAGS`), before anything else is loaded, and turns on
 * Node.js's compile cache in the data directory (`enableServeCompileCache`).
 */
import { unsupportedNodeMessage } from './platform/node-version/index.ts';
import { enableServeCompileCache, relaunchServeWithFlags } from './platform/runtime-flags/index.ts';

async function main(argv: string[]): Promise<number> {
  const [{ COMMANDS, formatMainHelp, UsageError }, { ConfigError, HCS_VERSION }] = await Promise.all([
    import('./cli/index.ts'),
    import('./platform/config/index.ts'),
  ]);
  const [name, ...args] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' && args[0] !== undefined ? COMMANDS.get(args[0]) : undefined;
    process.stdout.write(`${topic?.help ?? formatMainHelp(HCS_VERSION)}\n`);
    return 0;
  }
  if (name === '-v' || name === '--version') {
    process.stdout.write(`${HCS_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.get(name);
  if (command === undefined) return usageError(`unknown command "${name}"`);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      return usageError((error as Error).message);
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`hcs: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`hcs ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function usageError(message: string): number {
  process.stderr.write(`hcs: ${message}\nRun "hcs --help" for usage.\n`);
  return 2;
}

const refusal = unsupportedNodeMessage();
if (refusal === undefined) {
  relaunchServeWithFlags();
  enableServeCompileCache();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `hcs: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
} else {
  process.stderr.write(`${refusal}\n`);
  process.exitCode = 1;
}
