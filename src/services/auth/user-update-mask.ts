import { invalidField, listSome } from '../../platform/errors/index.ts';
import { AuthReason } from './reasons.ts';
import type { UserChanges } from './users.ts';

/** The `update_mask` paths UpdateUser accepts (`*` means all of them). */
export const UPDATABLE_USER_FIELDS = ['display_name', 'roles', 'disabled'] as const;

/**
 * The fields an update applies: the mask's paths, `*` for all, or, with no mask, every
 * updatable field the request set to a non-default value. INVALID_ARGUMENT
 * `INVALID_UPDATE_MASK` names paths that do not exist or cannot be updated.
 */
export function maskPaths(changes: UserChanges, updateMask: readonly string[] | undefined): Set<string> {
  if (updateMask === undefined || updateMask.length === 0) {
    const implied = new Set<string>();
    if (changes.displayName !== '') implied.add('display_name');
    if (changes.roles.length > 0) implied.add('roles');
    if (changes.disabled) implied.add('disabled');
    return implied;
  }
  // A mask names each field once; a longer one is refused before any work on its paths.
  if (updateMask.length > UPDATABLE_USER_FIELDS.length + 1) {
    throw invalidField(
      AuthReason.INVALID_UPDATE_MASK,
      'update_mask',
      `an update mask has at most ${UPDATABLE_USER_FIELDS.length + 1} paths: ${UPDATABLE_USER_FIELDS.join(', ')} or *`,
    );
  }
  if (updateMask.includes('*')) return new Set(UPDATABLE_USER_FIELDS);
  const updatable: readonly string[] = UPDATABLE_USER_FIELDS;
  const bad = updateMask.filter((path) => !updatable.includes(path));
  if (bad.length > 0) {
    throw invalidField(
      AuthReason.INVALID_UPDATE_MASK,
      'update_mask',
      `cannot update ${listSome(bad)}: updatable fields are ${UPDATABLE_USER_FIELDS.join(', ')}`,
    );
  }
  return new Set(updateMask);
}
