import type { AppError } from './app-error.ts';

/**
 * Recognises the errors of one dependency (the database driver, Redis) and says what they
 * mean to a client; `undefined` for an error that is not that dependency's.
 */
export type ErrorTranslator = (error: unknown) => AppError | undefined;

const translators = new Set<ErrorTranslator>();

/**
 * Makes {@link AppError.from} translate a dependency's errors everywhere an unknown error is
 * normalised (the chain, the audit wrapper, the transports' error writers), so no service
 * catches infrastructure errors at each call: a dependency registers its translator once, when
 * it is opened. Adding the same translator again does nothing.
 */
export function addErrorTranslator(translator: ErrorTranslator): void {
  translators.add(translator);
}

/** The first registered translation of `error`, or undefined. */
export function translateError(error: unknown): AppError | undefined {
  for (const translator of translators) {
    const translated = translator(error);
    if (translated !== undefined) return translated;
  }
  return undefined;
}
