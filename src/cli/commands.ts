import { apiKeyCommand } from './apikey-command.ts';
import type { Command } from './command.ts';
import { healthCommand } from './health-command.ts';
import { migrateCommand } from './migrate-command.ts';
import { openApiCommand } from './openapi-command.ts';
import { serveCommand } from './serve-command.ts';
import { userCommand } from './user-command.ts';

/** Every `hcs` command by name, in the order `hcs --help` lists them. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['serve', serveCommand],
  ['health', healthCommand],
  ['migrate', migrateCommand],
  ['user', userCommand],
  ['apikey', apiKeyCommand],
  ['openapi', openApiCommand],
]);

/** The text of `hcs --help`: one line per command of {@link COMMANDS}. */
export function formatMainHelp(version: string): string {
  const commands = [...COMMANDS].map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`);
  return `hcs ${version} — edge gRPC control plane

Usage: hcs <command> [options]

Commands:
${commands.join('\n')}

Options:
  -h, --help     Show help (also: hcs <command> --help)
  -v, --version  Show the version

Configuration comes from HCS_* environment variables and an optional .env file;
see README.md for the full list.`;
}
