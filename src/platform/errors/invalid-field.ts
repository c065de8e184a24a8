import { AppError } from './app-error.ts';
import { Code } from './code.ts';

/**
 * INVALID_ARGUMENT with `reason` and one field violation on `field` (the request's field path,
 * e.g. `user.display_name`), the form every service uses for a bad value.
 */
export function invalidField(reason: string, field: string, description: string): AppError {
  return new AppError(Code.INVALID_ARGUMENT, reason, description, {
    fieldViolations: [{ field, description }],
  });
}
