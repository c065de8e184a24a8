/**
 * Words that make a variable's name secret, matched anywhere in the name and in any case:
 * `AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `PGPASSWORD`, `SENTRY_DSN`. Deliberately broad: a
 * harmless value masked by mistake (`KEYBOARD_LAYOUT`) costs little; a leaked secret a lot.
 */
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|AUTH|COOKIE|SESSION|DSN/i;

/**
 * The password of a URL's user information, `scheme://user:password@`: group 1 is everything
 * before the password, group 2 the password. A value may hold several URLs (comma-separated
 * lists), so every match is masked.
 */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:)([^\s@]+)@/gi;

/** What a masked secret value (or the masked part of one) is shown as. */
export const MASK = '********';

/** Whether a variable's name says its value is secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A value as the API shows it, and whether any of it was masked. */
export interface MaskedValue {
  value: string;
  masked: boolean;
}

/**
 * The one masking rule of the System service, for environment variables and the environment
 * of allow-listed commands: the whole value when the name is secret (an empty value stays
 * empty, so "unset" remains visible), otherwise only the passwords of URLs in it
 * (`postgres://hcs:********@db/hcs`), so a connection string under an innocent name leaks no
 * password either.
 */
export function maskedValueOf(name: string, value: string): MaskedValue {
  if (isSecretName(name)) return value === '' ? { value, masked: false } : { value: MASK, masked: true };
  const shown = value.replace(URL_PASSWORD, `$1${MASK}@`);
  return { value: shown, masked: shown !== value };
}
