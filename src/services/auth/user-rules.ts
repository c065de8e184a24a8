import { AppError } from '../../platform/errors/index.ts';
import { AuthReason, invalidField } from './errors.ts';
import { assertPasswordAcceptable } from './password-hash.ts';
import { USER_ROLES, type UserRole } from './user.entity.ts';

/** The rule of a username (and of `HCS_ADMIN_USERNAME`), compared case-sensitively. */
export const USERNAME_PATTERN = /^[a-zA-Z0-9_.-]{1,64}$/;
/** Maximum length of a display name, in characters. */
export const MAX_DISPLAY_NAME_LENGTH = 128;

/** Throws INVALID_ARGUMENT `INVALID_USERNAME` on `field` unless `username` matches {@link USERNAME_PATTERN}. */
export function assertUsername(username: string, field: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw invalidField(
      AuthReason.INVALID_USERNAME,
      field,
      'a username is 1 to 64 ASCII letters, digits, "_", "." and "-"',
    );
  }
}

/** The display name; INVALID_ARGUMENT `INVALID_DISPLAY_NAME` when longer than {@link MAX_DISPLAY_NAME_LENGTH}. */
export function assertDisplayName(displayName: string, field: string): string {
  if ([...displayName].length > MAX_DISPLAY_NAME_LENGTH) {
    throw invalidField(
      AuthReason.INVALID_DISPLAY_NAME,
      field,
      `a display name is at most ${MAX_DISPLAY_NAME_LENGTH} characters`,
    );
  }
  return displayName;
}

function isUserRole(role: string): role is UserRole {
  return (USER_ROLES as readonly string[]).includes(role);
}

/** The roles sorted and without duplicates; INVALID_ARGUMENT `INVALID_ROLES` on `field` when empty or unknown. */
export function assertRoles(roles: readonly string[], field: string): UserRole[] {
  const unknown = roles.filter((role) => !isUserRole(role));
  if (roles.length === 0 || unknown.length > 0) {
    const problem =
      roles.length === 0
        ? 'no role given'
        : `unknown role(s) ${unknown.map((role) => JSON.stringify(role.slice(0, 32))).join(', ')}`;
    throw invalidField(
      AuthReason.INVALID_ROLES,
      field,
      `${problem}: at least one of ${USER_ROLES.join(', ')} is needed`,
    );
  }
  return [...new Set(roles as UserRole[])].sort();
}

/** {@link assertPasswordAcceptable}, with its field violation on the request's own field. */
export function assertNewPassword(password: string, field: string): void {
  try {
    assertPasswordAcceptable(password);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw invalidField(error.reason, field, error.message);
  }
}
