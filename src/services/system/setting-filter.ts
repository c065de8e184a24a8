import { invalidField } from '../../platform/errors/index.ts';
import { ListReason } from '../common/index.ts';
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
// One restriction: `field = value`, value quoted ("…" with \" and \\) or bare.
const RESTRICTION = /^\s*([a-z_]+)\s*=\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9._/*-]+)\s*/;

/**
 * Compiles the ListSettings subset of AIP-160: restrictions joined by `AND`, each
 * `field = value` over name (a trailing `*` matches any rest), source, secret, changeable,
 * restart_required and pending_restart. The same shape as the registry's instance filter, for
 * the same reason: the subset is one regular expression. INVALID_ARGUMENT `INVALID_LIST_OPTION`
 * naming `filter` for anything else.
 */
export function compileSettingFilter(filter: string): SettingPredicate {
  if (filter.length > MAX_FILTER_LENGTH) refuse(`filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const tests: SettingPredicate[] = [];
  let rest = filter.trim();
  while (rest !== '') {
    const match = RESTRICTION.exec(rest);
    if (match === null) refuse(`cannot read the filter at "${rest.slice(0, 40)}"`);
    const [whole, field = '', raw = ''] = match;
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    tests.push(restriction(field, value));
    rest = rest.slice(whole.length);
    if (rest === '') break;
    if (!rest.startsWith('AND ')) refuse(`restrictions are joined by AND, found "${rest.slice(0, 40)}"`);
    rest = rest.slice(4);
  }
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
    if (source === undefined) refuse(`source is one of ${Object.keys(SOURCES).join(', ')}`);
    return (setting) => setting.source === source;
  }
  if (!Object.hasOwn(FLAGS, field)) refuse(`"${field}" cannot be filtered; use ${FIELDS.join(', ')}`);
  if (value !== 'true' && value !== 'false') refuse(`${field} is true or false`);
  const flag = FLAGS[field as keyof typeof FLAGS];
  return (setting) => flag(setting) === (value === 'true');
}

function refuse(message: string): never {
  throw invalidField(ListReason.INVALID_LIST_OPTION, 'filter', message);
}
