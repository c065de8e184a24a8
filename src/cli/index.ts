export { APIKEY_HELP, runApiKeyCommand } from './apikey-command.ts';
export { UsageError } from './output.ts';
export { runUserCommand, USER_HELP } from './user-command.ts';
