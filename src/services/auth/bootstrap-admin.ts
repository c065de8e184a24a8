import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { Code } from '../../platform/errors/index.ts';
import { type Logger, printNotice } from '../../platform/log/index.ts';
import { UserSchema } from './user.entity.ts';
import type { Users } from './users.ts';

/** Options of {@link ensureBootstrapAdmin}. */
export interface BootstrapAdminOptions {
  em: () => EntityManager;
  users: Users;
  logger: Logger;
  /** `HCS_ADMIN_USERNAME`. */
  username: string;
  /** `HCS_ADMIN_PASSWORD`; undefined means generate one and print it once. */
  password: string | undefined;
}

/**
 * Creates the first administrator when the database has no user at all, so a fresh box can be
 * signed in to. A generated password is written once to the log as a warning (and, at a
 * terminal, in a framed notice on standard error): it exists nowhere else. Replicas starting together on one database create it once (the loser of the
 * unique-index race finds it there). Resolves whether it created the user.
 */
export async function ensureBootstrapAdmin(options: BootstrapAdminOptions): Promise<boolean> {
  const { em, users, logger, username } = options;
  const existing = await em().count(UserSchema, {});
  if (existing > 0) return false;
  const password = options.password ?? randomBytes(18).toString('base64url');
  try {
    await users.createUser({ username, displayName: 'Administrator', roles: ['admin'], password });
  } catch (error) {
    if ((error as { code?: unknown }).code === Code.ALREADY_EXISTS) return false;
    if (options.password !== undefined) {
      throw new Error(`HCS_ADMIN_PASSWORD cannot be used: ${(error as Error).message}`);
    }
    throw error;
  }
  if (options.password === undefined) {
    logger.warn(
      { username },
      `created the administrator "${username}" with the generated password ${password} — it is shown only this once: sign in and change it (AuthService.ChangePassword), or set HCS_ADMIN_PASSWORD before the first start`,
    );
    printNotice([
      `hcs created the administrator "${username}" with this password, shown only this once:`,
      '',
      `    ${password}`,
      '',
      'Sign in and change it, or set HCS_ADMIN_PASSWORD before the first start.',
    ]);
  } else {
    logger.info(
      { username },
      `created the administrator "${username}" with the password from HCS_ADMIN_PASSWORD`,
    );
  }
  return true;
}
