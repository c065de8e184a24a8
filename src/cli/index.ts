export { APIKEY_HELP, apiKeyCommand, runApiKeyCommand } from './apikey-command.ts';
export type { Command } from './command.ts';
export { COMMANDS, formatMainHelp } from './commands.ts';
export { HEALTH_HELP, healthCommand } from './health-command.ts';
export { MIGRATE_HELP, migrateCommand } from './migrate-command.ts';
export { OPENAPI_HELP, openApiCommand } from './openapi-command.ts';
export { UsageError } from './output.ts';
export { runUntilSignal, SERVE_HELP, serveCommand } from './serve-command.ts';
export { runUserCommand, USER_HELP, userCommand } from './user-command.ts';
