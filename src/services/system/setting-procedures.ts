import {
  ScalarType,
  type Setting as SettingMessage,
  SettingSource as SettingSourceMessage,
  type SystemServiceService,
  type UpdateSettingRequest,
} from '../../gen/hcs/v1/system.ts';
import { isSettingVariable, type SettingSource, type SettingType } from '../../platform/config/index.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { pageSizeOf } from '../common/index.ts';
import { pageOfSorted } from './name-page.ts';
import { SystemReason } from './reasons.ts';
import { MASK } from './secret-masking.ts';
import { compileSettingFilter } from './setting-filter.ts';
import { isSecretSetting, type Settings, type SettingView } from './settings.ts';

/** The settings RPCs of SystemService. */
export type SettingProcedures = Pick<
  ServiceImplementation<typeof SystemServiceService>,
  'listSettings' | 'getSetting' | 'updateSetting'
>;

const SOURCES: Record<SettingSource, SettingSourceMessage> = {
  default: SettingSourceMessage.SETTING_SOURCE_DEFAULT,
  stored: SettingSourceMessage.SETTING_SOURCE_API,
  env_file: SettingSourceMessage.SETTING_SOURCE_ENV_FILE,
  environment: SettingSourceMessage.SETTING_SOURCE_ENVIRONMENT,
};

const TYPES: Record<SettingType, ScalarType> = {
  string: ScalarType.SCALAR_TYPE_STRING,
  integer: ScalarType.SCALAR_TYPE_INTEGER,
  boolean: ScalarType.SCALAR_TYPE_BOOLEAN,
  enum: ScalarType.SCALAR_TYPE_ENUM,
};

/** ListSettings, GetSetting and UpdateSetting over {@link Settings}. */
export function settingProcedures(settings: Settings): SettingProcedures {
  return {
    async listSettings(request) {
      const matches = compileSettingFilter(request.filter);
      const all = (await settings.list())
        .filter(matches)
        .map((view) => ({ ...view, name: `settings/${view.id}` }));
      const page = pageOfSorted(all, pageSizeOf(request.pageSize, 100), request.pageToken, 's1:');
      return { settings: page.items.map(settingToMessage), nextPageToken: page.nextPageToken };
    },
    async getSetting(request) {
      return { setting: settingToMessage(await settings.get(settings.idFromName(request.name, 'name'))) };
    },
    async updateSetting(request, ctx) {
      const setting = request.setting;
      if (setting === undefined) {
        throw invalidField(
          SystemReason.INVALID_NAME,
          'setting.name',
          'setting.name must be settings/{setting}',
        );
      }
      const id = settings.idFromName(setting.name, 'setting.name');
      assertSettingUpdateMask(request.updateMask ?? []);
      const view = await settings.update({
        id,
        value: setting.value,
        etag: setting.etag,
        actor: ctx.principal.subject,
      });
      return { setting: settingToMessage(view) };
    },
  };
}

// Fields of Setting a mask may name besides `value`: the identifier, the etag (a precondition)
// and the output-only ones, ignored as AIP-203 asks, so a read-modify-write of the whole
// resource over REST (whose implicit mask lists every field sent) works.
const IGNORED_MASK_PATHS = new Set([
  'name',
  'etag',
  'default_value',
  'value_type',
  'allowed_values',
  'description',
  'secret',
  'restart_required',
  'pending_restart',
  'source',
  'environment_variable',
  'update_time',
  'stored_value',
  'updated_by',
  'changeable',
]);

/**
 * INVALID_ARGUMENT `INVALID_UPDATE_MASK` unless the mask is empty (meaning `value`) or names
 * `value` and otherwise only fields of Setting (snake_case or the REST mask's camelCase).
 */
function assertSettingUpdateMask(mask: readonly string[]): void {
  if (mask.length === 0) return;
  const paths = mask.map((path) => path.trim().replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`));
  const unknown = paths.filter((path) => path !== 'value' && !IGNORED_MASK_PATHS.has(path));
  if (unknown.length > 0 || !paths.includes('value')) {
    throw invalidField(
      SystemReason.INVALID_UPDATE_MASK,
      'update_mask',
      unknown.length > 0
        ? `update_mask names ${JSON.stringify(unknown.join(',').slice(0, 100))}: only "value" can be updated`
        : 'update_mask must name "value", the only field that can be updated',
    );
  }
}

/**
 * The audited arguments of an UpdateSetting call: the value sent, masked when the setting is
 * secret (or unknown), the etag and the update mask.
 */
export function settingChangeOf(request: UpdateSettingRequest): Record<string, string> {
  const id = request.setting?.name.startsWith('settings/')
    ? request.setting.name.slice('settings/'.length)
    : '';
  const variable = `HCS_${id.toUpperCase()}`;
  const value = request.setting?.value ?? '';
  const shown = isSettingVariable(variable) && !isSecretSetting(variable) ? value : MASK;
  return {
    value: value === '' ? '' : shown.slice(0, 256),
    etag: (request.setting?.etag ?? '').slice(0, 64),
    updateMask: (request.updateMask ?? []).join(',').slice(0, 256),
  };
}

/** The proto `Setting` of a view; values are text in the environment variable's form. */
export function settingToMessage(view: SettingView): SettingMessage {
  return {
    name: `settings/${view.id}`,
    value: view.value,
    defaultValue: view.defaultValue,
    valueType: TYPES[view.type],
    allowedValues: view.allowedValues,
    description: view.description,
    secret: view.secret,
    restartRequired: true,
    pendingRestart: view.pending,
    source: SOURCES[view.source],
    environmentVariable: view.variable,
    updateTime: view.stored?.updateTime,
    storedValue: view.stored?.value ?? '',
    updatedBy: view.stored?.updatedBy ?? '',
    changeable: view.changeable,
    etag: view.etag,
  };
}
