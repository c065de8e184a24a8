import type { EntityManager } from '@mikro-orm/core';
import { AppError, Code } from '../../platform/errors/index.ts';
import { AuthReason } from './reasons.ts';
import { type User, UserSchema } from './user.entity.ts';

/** Whether the user can administer the server: enabled and holding the admin role. */
export function isEnabledAdmin(user: User): boolean {
  return !user.disabled && user.roles.includes('admin');
}

/**
 * FAILED_PRECONDITION `LAST_ADMIN` unless an enabled admin other than `user` exists, so the
 * server cannot be locked out. Reads the enabled users (a handful on an edge box); callers hold
 * the admins lease, so two concurrent demotions cannot both pass.
 */
export async function assertAnotherEnabledAdmin(manager: EntityManager, user: User): Promise<void> {
  const enabled = await manager.find(
    UserSchema,
    { disabled: false, id: { $ne: user.id } },
    { fields: ['roles'] },
  );
  if (!enabled.some((other) => other.roles.includes('admin'))) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      AuthReason.LAST_ADMIN,
      `user "${user.username}" is the last enabled admin; make another user admin first`,
    );
  }
}
