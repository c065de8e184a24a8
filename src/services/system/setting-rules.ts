import {
  isChangeableSetting,
  type SettingValue,
  type SettingVariable,
  settingValueProblem,
} from '../../platform/config/index.ts';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import { SystemReason } from './reasons.ts';
import { MASK } from './secret-masking.ts';

/** INVALID_ARGUMENT `MASKED_VALUE` when `value` is the mask a read shows for a secret. */
export function assertNotMasked(value: string): void {
  if (value === MASK) {
    throw invalidField(
      SystemReason.MASKED_VALUE,
      'setting.value',
      `"${MASK}" is how a secret is shown, not a value: send the value itself`,
    );
  }
}

/** FAILED_PRECONDITION `SETTING_NOT_CHANGEABLE` for a setting only its variable may set. */
export function assertChangeable(variable: SettingVariable): void {
  if (!isChangeableSetting(variable)) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      SystemReason.SETTING_NOT_CHANGEABLE,
      `${variable} cannot be changed through the API; set the environment variable instead`,
    );
  }
}

/**
 * FAILED_PRECONDITION `SETTING_SET_BY_ENVIRONMENT` when the environment or the `.env` file set
 * the setting at start: it wins over a stored value, which would then never apply.
 */
export function assertNotSetByEnvironment(variable: SettingVariable, running: SettingValue): void {
  if (running.source === 'environment' || running.source === 'env_file') {
    const where = running.source === 'environment' ? 'the environment' : 'the .env file';
    throw new AppError(
      Code.FAILED_PRECONDITION,
      SystemReason.SETTING_SET_BY_ENVIRONMENT,
      `${variable} is set in ${where}, which wins over a stored value: remove it there first`,
    );
  }
}

/** Longest value stored: a setting is a line of configuration, not a document. */
export const MAX_SETTING_VALUE_CHARS = 4096;

/**
 * INVALID_ARGUMENT `INVALID_SETTING_VALUE` naming the setting, when its schema refuses `value`
 * or it is longer than {@link MAX_SETTING_VALUE_CHARS}.
 */
export function assertValidSettingValue(variable: SettingVariable, value: string): void {
  const problem =
    value.length > MAX_SETTING_VALUE_CHARS
      ? `expected at most ${MAX_SETTING_VALUE_CHARS} characters, got ${value.length}`
      : settingValueProblem(variable, value);
  if (problem !== undefined) {
    throw invalidField(SystemReason.INVALID_SETTING_VALUE, 'setting.value', `${variable}: ${problem}`);
  }
}

/** ABORTED `ETAG_MISMATCH` when an etag was sent and the setting's is another. */
export function assertEtagMatches(sent: string, current: string): void {
  if (sent !== '' && sent !== current) {
    throw new AppError(
      Code.ABORTED,
      SystemReason.ETAG_MISMATCH,
      'the setting was changed since it was read: read it again and retry',
      { metadata: { etag: current } },
    );
  }
}
