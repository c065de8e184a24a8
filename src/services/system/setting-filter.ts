import { readFilterRestrictions, refuseFilter } from '../common/index.ts';
import type { SettingView } from './settings.ts';

/** A compiled ListSettings filter. */
export type SettingPredicate = (setting: SettingView) => boolean;

const SOURCES: Record<string, SettingView['source']> = {
  SETTING_SOURCE_DEFAULT: 'default',
  SETTING_SOURCE_API: 'stored',
  SETTING_SOURCE_ENV_FILE: 'env_file',
  SETTING_SOURCE_ENVIRONMENT: 'environment',
};
const FLAGS = {
  secret: (setting: SettingView) => setting.secret,
  changeable: (setting: SettingView) => setting.changeable,
  pending_restart: (setting: SettingView) => setting.pending,
  // Every setting applies at the next start only.
  restart_required: () => true,
} as const;
const FIELDS = ['name', 'source', ...Object.keys(FLAGS)];
const MAX_FILTER_LENGTH = 1024;

/**
 * Compiles the ListSettings filter: restrictions joined by `AND` (see
 * {@link readFilterRestrictions}), each `field = value` over name (a trailing `*` matches any
 * rest), source, secret, changeable, restart_required and pending_restart. INVALID_ARGUMENT
 * `INVALID_LIST_OPTION` naming `filter` for anything else.
 */
export function compileSettingFilter(filter: string): SettingPredicate {
  const tests = readFilterRestrictions(filter, MAX_FILTER_LENGTH).map(({ field, operator, value }) => {
    if (operator !== '=') refuseFilter(`${field} is matched with ${field} = value`);
    return restriction(field, value);
  });
  return (setting) => tests.every((test) => test(setting));
}

function restriction(field: string, value: string): SettingPredicate {
  if (field === 'name') {
    if (value.endsWith('*')) {
      const prefix = value.slice(0, -1);
      return (setting) => `settings/${setting.id}`.startsWith(prefix);
    }
    return (setting) => `settings/${setting.id}` === value;
  }
  if (field === 'source') {
    const source = SOURCES[value];
    if (source === undefined) refuseFilter(`source is one of ${Object.keys(SOURCES).join(', ')}`);
    return (setting) => setting.source === source;
  }
  if (!Object.hasOwn(FLAGS, field)) refuseFilter(`"${field}" cannot be filtered; use ${FIELDS.join(', ')}`);
  if (value !== 'true' && value !== 'false') refuseFilter(`${field} is true or false`);
  const flag = FLAGS[field as keyof typeof FLAGS];
  return (setting) => flag(setting) === (value === 'true');
}
