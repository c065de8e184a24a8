import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { fromOrmError } from '../../platform/db/index.ts';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import { createMemoryLock, type Lock } from '../../platform/lock/index.ts';
import { DEFAULT_PAGE_SIZE, findKeysetPage, type KeysetOrder, MAX_PAGE_SIZE } from '../common/index.ts';
import { assertAnotherEnabledAdmin, isEnabledAdmin } from './last-admin.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { assertPasswordAcceptable, type PasswordHasher } from './password-hash.ts';
import { AuthReason } from './reasons.ts';
import { type User, type UserRole, UserSchema } from './user.entity.ts';
import {
  assertDisplayName,
  assertNewPassword,
  assertRoles,
  assertUsername,
  USERNAME_PATTERN,
} from './user-rules.ts';
import { maskPaths } from './user-update-mask.ts';

/** `page_size` of {@link Users.listUsers} when the request leaves it 0. */
export const DEFAULT_USER_PAGE_SIZE = DEFAULT_PAGE_SIZE;
/** Largest `page_size`; larger requests are coerced to it, as the proto documents. */
export const MAX_USER_PAGE_SIZE = MAX_PAGE_SIZE;
const ADMINS_LOCK = 'auth:admins';

const USER_ORDER: KeysetOrder<User> = {
  key: 'username',
  direction: 'asc',
  cursorPrefix: 'u1:',
  keyPattern: USERNAME_PATTERN,
  defaultPageSize: DEFAULT_USER_PAGE_SIZE,
};

/** A user as the service returns it: every field except the password hash. */
export interface UserView {
  username: string;
  displayName: string;
  roles: UserRole[];
  disabled: boolean;
  createTime: Date;
  updateTime: Date;
  passwordUpdateTime: Date;
  /** Undefined until the first successful password grant. */
  lastLoginTime: Date | undefined;
}

/** What {@link Users.createUser} needs. `displayName` empty or absent means the username. */
export interface NewUser {
  username: string;
  displayName?: string;
  roles: readonly string[];
  disabled?: boolean;
  password: string;
}

/** The new values of {@link Users.updateUser}; which of them apply is the update mask's business. */
export interface UserChanges {
  username: string;
  displayName: string;
  roles: readonly string[];
  disabled: boolean;
}

/** One page of {@link Users.listUsers}; `nextPageToken` is empty on the last page. */
export interface UserPage {
  users: UserView[];
  nextPageToken: string;
}

/** Options of {@link createUsers}. */
export interface UsersOptions {
  /** A fresh EntityManager fork; called once per method call (`Database.em`). */
  em: () => EntityManager;
  hasher: PasswordHasher;
  /**
   * Ends a user's sign-ins: its refresh tokens when its password changes (access tokens run
   * out, as the proto documents), its access tokens too when it is disabled, deleted or loses
   * a role.
   */
  sessions?: { revokeUserSessions(userId: string, options: { accessTokensToo: boolean }): Promise<void> };
  /**
   * Serialises changes that can remove an enabled admin, so two concurrent demotions of the last
   * two admins cannot both pass the check (the shared state's lock, across replicas on Redis).
   * Default: a lock of this process only.
   */
  lock?: Lock;
  /** Throttles wrong current passwords in {@link Users.changePassword} like failed logins. */
  throttle?: LoginThrottle;
}

/**
 * User management of AuthService, one method per RPC. Validation failures are INVALID_ARGUMENT
 * with a field violation named by the request's proto field path (`user.username`,
 * `page_size`, …); a missing user is NOT_FOUND `USER_NOT_FOUND`. No method returns the hash.
 */
export interface Users {
  /** Creates a user; ALREADY_EXISTS `USER_ALREADY_EXISTS` when the username is taken. */
  createUser(user: NewUser): Promise<UserView>;
  getUser(username: string): Promise<UserView>;
  /**
   * Users ordered by username. `pageSize` 0 means {@link DEFAULT_USER_PAGE_SIZE}; above
   * {@link MAX_USER_PAGE_SIZE} it is coerced. `pageToken` is an opaque cursor (base64url of the
   * last username returned), so a page never repeats or skips a user that existed throughout.
   */
  listUsers(request: { pageSize: number; pageToken: string }): Promise<UserPage>;
  /**
   * Applies the fields of `changes` that `updateMask` names (proto paths of
   * `UPDATABLE_USER_FIELDS`, or `*`). An empty or absent mask means every updatable
   * field with a non-default value (non-empty display name and roles, `disabled` true).
   * Demoting or disabling the last enabled admin is FAILED_PRECONDITION `LAST_ADMIN`.
   */
  updateUser(changes: UserChanges, updateMask: readonly string[] | undefined): Promise<UserView>;
  /** Deletes a user; deleting the last enabled admin is FAILED_PRECONDITION `LAST_ADMIN`. */
  deleteUser(username: string): Promise<void>;
  /**
   * Sets a new password without the old one. An empty `newPassword` makes the server generate
   * a 24-character one, returned once as `generatedPassword` (otherwise `''`).
   */
  resetUserPassword(username: string, newPassword: string): Promise<{ generatedPassword: string }>;
  /**
   * Sets the caller's own password after checking the current one (UNAUTHENTICATED
   * `INVALID_PASSWORD` when wrong); the new one must differ. Ends the user's sign-ins.
   */
  changePassword(
    username: string,
    currentPassword: string,
    newPassword: string,
    clientAddress: string,
  ): Promise<void>;
}

/** Creates the {@link Users} service over the `users` table. */
export function createUsers(options: UsersOptions): Users {
  const { em, hasher } = options;
  const lock = options.lock ?? createMemoryLock();

  /** Runs `work` holding the admins lease; UNAVAILABLE when another change holds it too long. */
  async function withAdminsLease<T>(work: () => Promise<T>): Promise<T> {
    const lease = await lock.acquire(ADMINS_LOCK, { ttlMs: 10_000, waitMs: 5_000 });
    if (lease === undefined) {
      throw new AppError(
        Code.UNAVAILABLE,
        AuthReason.USERS_BUSY,
        'another change to the admins is in progress; retry',
      );
    }
    try {
      return await work();
    } finally {
      await lock.release(lease).catch(() => undefined);
    }
  }
  const endSessions = (user: User, accessTokensToo: boolean) =>
    options.sessions?.revokeUserSessions(user.id, { accessTokensToo }) ?? Promise.resolve();

  async function load(manager: EntityManager, username: string): Promise<User> {
    assertUsername(username, 'name');
    const user = await manager.findOne(UserSchema, { username });
    if (user === null) {
      throw new AppError(Code.NOT_FOUND, AuthReason.USER_NOT_FOUND, `user "${username}" does not exist`);
    }
    return user;
  }

  async function applyUpdate(
    changes: UserChanges,
    paths: Set<string>,
    displayName: string | undefined,
    roles: UserRole[] | undefined,
  ): Promise<UserView> {
    const manager = em();
    const user = await load(manager, changes.username);
    const wasEnabledAdmin = isEnabledAdmin(user);
    const wasDisabled = user.disabled;
    // Access tokens carry the roles they were issued with: a role taken away must end them.
    const rolesTaken = roles !== undefined && user.roles.some((role) => !roles.includes(role as UserRole));
    if (displayName !== undefined) user.displayName = displayName || user.username;
    if (roles !== undefined) user.roles = roles;
    if (paths.has('disabled')) user.disabled = changes.disabled;
    if (wasEnabledAdmin && !isEnabledAdmin(user)) await assertAnotherEnabledAdmin(manager, user);
    const disabling = paths.has('disabled') && changes.disabled && !wasDisabled;
    user.updateTime = new Date();
    await manager.flush();
    if (disabling || rolesTaken) await endSessions(user, true);
    return userToView(user);
  }

  return {
    async createUser(input) {
      assertUsername(input.username, 'user.username');
      const displayName = assertDisplayName(input.displayName ?? '', 'user.display_name') || input.username;
      const roles = assertRoles(input.roles, 'user.roles');
      assertPasswordAcceptable(input.password);
      const passwordHash = await hasher.hash(input.password);
      const manager = em();
      const user = manager.create(UserSchema, {
        username: input.username,
        displayName,
        roles,
        disabled: input.disabled ?? false,
        passwordHash,
        lastLoginTime: null,
      });
      try {
        await manager.persist(user).flush();
      } catch (error) {
        const translated = fromOrmError(error);
        if (translated.code !== Code.ALREADY_EXISTS) throw translated;
        throw new AppError(
          Code.ALREADY_EXISTS,
          AuthReason.USER_ALREADY_EXISTS,
          `user "${input.username}" already exists`,
          { cause: error },
        );
      }
      return userToView(user);
    },

    async getUser(username) {
      return userToView(await load(em(), username));
    },

    async listUsers(request) {
      const page = await findKeysetPage(em(), UserSchema, {}, USER_ORDER, request);
      return { users: page.rows.map(userToView), nextPageToken: page.nextPageToken };
    },

    async updateUser(changes, updateMask) {
      const paths = maskPaths(changes, updateMask);
      const displayName = paths.has('display_name')
        ? assertDisplayName(changes.displayName, 'user.display_name')
        : undefined;
      const roles = paths.has('roles') ? assertRoles(changes.roles, 'user.roles') : undefined;
      const mayDemote = paths.has('roles') || paths.has('disabled');
      const update = () => applyUpdate(changes, paths, displayName, roles);
      return mayDemote ? withAdminsLease(update) : update();
    },

    async deleteUser(username) {
      await withAdminsLease(async () => {
        const manager = em();
        const user = await load(manager, username);
        if (isEnabledAdmin(user)) await assertAnotherEnabledAdmin(manager, user);
        await manager.remove(user).flush();
        await endSessions(user, true);
      });
    },

    async resetUserPassword(username, newPassword) {
      assertUsername(username, 'name');
      const generatedPassword = newPassword === '' ? randomBytes(18).toString('base64url') : '';
      const password = generatedPassword || newPassword;
      assertNewPassword(password, 'new_password');
      const passwordHash = await hasher.hash(password);
      const manager = em();
      const user = await load(manager, username);
      const now = new Date();
      user.passwordHash = passwordHash;
      user.passwordUpdateTime = now;
      user.updateTime = now;
      await manager.flush();
      await endSessions(user, false);
      return { generatedPassword };
    },

    async changePassword(username, currentPassword, newPassword, clientAddress) {
      if (currentPassword === '') {
        throw invalidField(AuthReason.INVALID_PASSWORD, 'current_password', 'current_password is required');
      }
      assertNewPassword(newPassword, 'new_password');
      if (newPassword === currentPassword) {
        throw invalidField(
          AuthReason.PASSWORD_UNCHANGED,
          'new_password',
          'the new password must differ from the current one',
        );
      }
      const manager = em();
      const user = await load(manager, username);
      const check = () => hasher.verify(currentPassword, user.passwordHash);
      // A stolen access token must not turn into unlimited password guesses.
      const right = options.throttle
        ? await options.throttle.attempt(username, clientAddress, check)
        : await check();
      if (!right) {
        throw new AppError(
          Code.UNAUTHENTICATED,
          AuthReason.INVALID_PASSWORD,
          'the current password is wrong',
        );
      }
      const now = new Date();
      user.passwordHash = await hasher.hash(newPassword);
      user.passwordUpdateTime = now;
      user.updateTime = now;
      await manager.flush();
      await endSessions(user, false);
    },
  };
}

/** The view of a user the service returns; copies, so the caller cannot change the entity. */
export function userToView(user: User): UserView {
  return {
    username: user.username,
    displayName: user.displayName,
    roles: [...user.roles] as UserRole[],
    disabled: user.disabled,
    createTime: user.createTime,
    updateTime: user.updateTime,
    passwordUpdateTime: user.passwordUpdateTime,
    lastLoginTime: user.lastLoginTime ?? undefined,
  };
}
