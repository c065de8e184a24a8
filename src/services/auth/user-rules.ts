import { AppError, invalidField, listSome } from '../../platform/errors/index.ts';
import { assertPasswordAcceptable } from './password-hash.ts';
import { AuthReason } from './reasons.ts';
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

/** Most role entries a request may list (there are four roles; the rest would be repeats). */
export const MAX_ROLE_ENTRIES = 16;

/**
 * The roles sorted and without duplicates; INVALID_ARGUMENT `INVALID_ROLES` on `field` when
 * empty, unknown, or more than {@link MAX_ROLE_ENTRIES} (refused before any other work).
 */
export function assertRoles(roles: readonly string[], field: string): UserRole[] {
  if (roles.length > MAX_ROLE_ENTRIES) {
    throw invalidField(AuthReason.INVALID_ROLES, field, `at most ${MAX_ROLE_ENTRIES} roles may be given`);
  }
  const unknown = roles.filter((role) => !isUserRole(role));
  if (roles.length === 0 || unknown.length > 0) {
    const problem =
      roles.length === 0
        ? 'no role given'
        : `unknown role(s) ${listSome(unknown.map((role) => JSON.stringify(role.slice(0, 32))))}`;
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
