export type { Config } from './config.ts';
export { ConfigError, type ConfigProblem, type LoadConfigOptions, loadConfig } from './load-config.ts';
export { ENV_NAMES } from './schema.ts';
export { HCS_VERSION } from './version.ts';
