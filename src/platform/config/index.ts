export type {
  Config,
  DevicesConfig,
  RegistryConfig,
  SettingSource,
  SettingValue,
  SystemFilesConfig,
} from './config.ts';
export {
  acceptStoredSettings,
  ConfigError,
  type ConfigProblem,
  type LoadConfigOptions,
  loadConfig,
} from './load-config.ts';
export { ENV_NAMES, envSchema } from './schema.ts';
export {
  allowedValuesOf,
  isChangeableSetting,
  isSettingVariable,
  SETTING_CATALOG,
  type SettingInfo,
  type SettingType,
  type SettingVariable,
  settingDefaultOf,
  settingTypeOf,
  settingValueProblem,
} from './setting-catalog.ts';
export { HCS_VERSION } from './version.ts';
