export { type AllowedCommand, type AllowList, loadAllowList } from './allowed-commands.ts';
export { commandLineOf } from './command-arguments.ts';
export { sha256Of } from './executable-check.ts';
export { createFiles, type Files, type FilesOptions } from './files.ts';
export { FileReason, SystemReason } from './reasons.ts';
export { assertMayRunCommandsAs } from './run-as-user.ts';
export { readStoredSettings } from './settings.ts';
export {
  createSystemService,
  type SystemServiceOptions,
  systemService,
  systemServiceWith,
} from './system-service.ts';
