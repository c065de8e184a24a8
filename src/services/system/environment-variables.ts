import { type MaskedValue, maskedValueOf } from './secret-masking.ts';

/** One environment variable as the API shows it. */
export interface EnvironmentVariableView extends MaskedValue {
  name: string;
}

/** The environment hcs started with, masked, read-only. */
export interface EnvironmentVariables {
  /** The variables whose name starts with `namePrefix` ('' for all), ordered by name. */
  list(namePrefix: string): readonly EnvironmentVariableView[];
}

/**
 * The environment variables of this process as it started: `environment` is the copy the
 * configuration took at load, never `process.env`, which anything in the process may change
 * later. Masked once, here, so no path of the API can reach an unmasked value.
 */
export function createEnvironmentVariables(
  environment: Readonly<Record<string, string>>,
): EnvironmentVariables {
  // Ordered as `pageOfSorted` resumes a page: by `<` on the names.
  const all = Object.entries(environment)
    .map(([name, value]) => ({ name, ...maskedValueOf(name, value) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    list(namePrefix) {
      return namePrefix === '' ? all : all.filter((variable) => variable.name.startsWith(namePrefix));
    },
  };
}
