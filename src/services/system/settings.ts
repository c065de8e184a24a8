import type { EntityManager } from '@mikro-orm/core';
import {
  allowedValuesOf,
  type Config,
  isChangeableSetting,
  isSettingVariable,
  SETTING_CATALOG,
  type SettingSource,
  type SettingType,
  type SettingVariable,
  settingDefaultOf,
  settingTypeOf,
  settingValueProblem,
} from '../../platform/config/index.ts';
import { fromOrmError } from '../../platform/db/index.ts';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import { SystemReason } from './reasons.ts';
import { isSecretName, MASK } from './secret-masking.ts';
import {
  assertChangeable,
  assertEtagMatches,
  assertNotMasked,
  assertNotSetByEnvironment,
  assertValidSettingValue,
} from './setting-rules.ts';
import { type StoredSetting, StoredSettingSchema } from './stored-setting.entity.ts';

/** One `HCS_*` setting: what runs, what is stored, what the next start would use. */
export interface SettingView {
  /** `log_level` for `HCS_LOG_LEVEL`. */
  id: string;
  variable: SettingVariable;
  /** The value the running process uses, masked when secret; '' when unset. */
  value: string;
  defaultValue: string;
  type: SettingType;
  allowedValues: string[];
  description: string;
  secret: boolean;
  changeable: boolean;
  /** Where the running value came from. */
  source: SettingSource;
  /** The stored value (masked when secret), or undefined when none is stored. */
  stored: { value: string; updatedBy: string; updateTime: Date } | undefined;
  /** Opaque version of the stored value: `0` when none is stored. */
  etag: string;
  /** The next start would use another value than the running one. */
  pending: boolean;
}

/** Options of {@link createSettings}. */
export interface SettingsOptions {
  /** The loaded configuration: its `settings` are what runs. */
  config: Pick<Config, 'settings'>;
  em: () => EntityManager;
}

/**
 * The settings of this process: each known `HCS_*` variable with the value in force (read
 * from the loaded configuration, never from `process.env` or `.env` again) and the value
 * stored through the API. Storing never touches the running process: a stored value is
 * applied by the next `hcs serve` start, below the environment and the `.env` file.
 */
export function createSettings(options: SettingsOptions) {
  const running = options.config.settings;

  const view = (variable: SettingVariable, row: StoredRow | undefined): SettingView => {
    const info = SETTING_CATALOG[variable];
    const secret = isSecretSetting(variable);
    const mask = (text: string) => (secret && text !== '' ? MASK : text);
    const defaultValue = settingDefaultOf(variable);
    const now = running[variable];
    const value = now.text ?? defaultValue;
    // The environment and .env file do not change under a process: they are read at start.
    const setByOperator = now.source === 'environment' || now.source === 'env_file';
    // A stored value this build refuses is skipped at start (see acceptStoredSettings).
    const storedApplies = row !== undefined && settingValueProblem(variable, row.value) === undefined;
    const next = setByOperator ? value : storedApplies ? row.value : defaultValue;
    return {
      id: variable.replace(/^HCS_/, '').toLowerCase(),
      variable,
      value: mask(value),
      defaultValue: mask(defaultValue),
      type: settingTypeOf(variable),
      allowedValues: allowedValuesOf(variable),
      description: info.description,
      secret,
      changeable: isChangeableSetting(variable),
      source: now.source,
      stored:
        row === undefined
          ? undefined
          : { value: mask(row.value), updatedBy: row.updatedBy, updateTime: row.updateTime },
      etag: row === undefined ? '0' : `${row.revision}.${row.updateTime.getTime().toString(36)}`,
      pending: next !== value,
    };
  };

  const variableOf = (id: string): SettingVariable => {
    const variable = `HCS_${id.toUpperCase()}`;
    if (!/^[a-z0-9_]{1,64}$/.test(id) || !isSettingVariable(variable)) {
      throw new AppError(
        Code.NOT_FOUND,
        SystemReason.SETTING_NOT_FOUND,
        `no setting ${JSON.stringify(id).slice(0, 80)}`,
      );
    }
    return variable;
  };

  return {
    /** Every setting, ordered by id. */
    async list(): Promise<SettingView[]> {
      const rows = await options.em().find(StoredSettingSchema, {});
      const byVariable = new Map(rows.map((row) => [row.variable, row]));
      return (Object.keys(running) as SettingVariable[])
        .map((variable) => view(variable, byVariable.get(variable)))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    /** One setting by id; NOT_FOUND for an unknown one. */
    async get(id: string): Promise<SettingView> {
      const variable = variableOf(id);
      return view(variable, (await options.em().findOne(StoredSettingSchema, { variable })) ?? undefined);
    },
    /**
     * Stores `value` for the setting, or clears the stored value when `value` is ''. Refuses a
     * masked value, a setting the API may not change, a value the config schema refuses, a
     * setting the environment sets (storing only; clearing is always allowed), and a stale
     * `etag` ('' skips that check). The running process is left as it is.
     */
    async update(input: { id: string; value: string; etag: string; actor: string }): Promise<SettingView> {
      const variable = variableOf(input.id);
      assertNotMasked(input.value);
      assertChangeable(variable);
      if (input.value !== '') {
        assertNotSetByEnvironment(variable, running[variable]);
        assertValidSettingValue(variable, input.value);
      }
      const em = options.em();
      const row = (await em.findOne(StoredSettingSchema, { variable })) ?? undefined;
      assertEtagMatches(input.etag, view(variable, row).etag);
      const next =
        input.value === ''
          ? undefined
          : { value: input.value, updatedBy: input.actor, updateTime: new Date() };
      return view(variable, await compareAndSet(em, variable, row, next));
    },
    /** The id of `settings/{id}`; INVALID_ARGUMENT naming `field` otherwise. */
    idFromName(name: string, field: string): string {
      const id = name.startsWith('settings/') ? name.slice('settings/'.length) : '';
      if (id === '')
        throw invalidField(SystemReason.INVALID_NAME, field, `${field} must be settings/{setting}`);
      return id;
    },
  };
}

/**
 * Whether a setting's value is masked: marked secret in the catalog, or named like a secret
 * (`…_KEY`, `…_TOKEN`), so a new variable the catalog forgot to mark is masked anyway.
 */
export function isSecretSetting(variable: SettingVariable): boolean {
  return SETTING_CATALOG[variable].secret === true || isSecretName(variable.replace(/^HCS_/, ''));
}

/** What a view needs of a stored setting row. */
type StoredRow = Pick<StoredSetting, 'value' | 'updatedBy' | 'updateTime' | 'revision'>;

/**
 * Writes the stored value of `variable` only if its row is still `current` (a compare-and-set
 * on `revision`, in the statement itself), so two updates that read the same etag cannot both
 * apply: the later one is ABORTED `ETAG_MISMATCH`. `next` undefined deletes the row. Resolves
 * the row as written.
 */
async function compareAndSet(
  em: EntityManager,
  variable: SettingVariable,
  current: StoredRow | undefined,
  next: Omit<StoredRow, 'revision'> | undefined,
): Promise<StoredRow | undefined> {
  if (current === undefined) {
    if (next === undefined) return undefined;
    const row = { variable, ...next, revision: 1 };
    try {
      await em.insert(StoredSettingSchema, row);
    } catch (error) {
      const translated = fromOrmError(error);
      if (translated.code !== Code.ALREADY_EXISTS) throw translated;
      throw concurrentChange(variable, error);
    }
    return row;
  }
  const where = { variable, revision: current.revision };
  const changed =
    next === undefined
      ? await em.nativeDelete(StoredSettingSchema, where)
      : await em.nativeUpdate(StoredSettingSchema, where, { ...next, revision: current.revision + 1 });
  if (changed === 0) throw concurrentChange(variable);
  return next === undefined ? undefined : { ...next, revision: current.revision + 1 };
}

function concurrentChange(variable: SettingVariable, cause?: unknown): AppError {
  return new AppError(
    Code.ABORTED,
    SystemReason.ETAG_MISMATCH,
    `${variable} was changed by another call at the same time: read it again and retry`,
    cause === undefined ? {} : { cause },
  );
}

/** The settings of this process. */
export type Settings = ReturnType<typeof createSettings>;

/**
 * The values stored through the settings API, by variable: what `hcs serve` hands to
 * `loadConfig` (through `acceptStoredSettings`) at start.
 */
export async function readStoredSettings(em: EntityManager): Promise<Record<string, string>> {
  const rows = await em.find(StoredSettingSchema, {});
  return Object.fromEntries(rows.map((row) => [row.variable, row.value]));
}
