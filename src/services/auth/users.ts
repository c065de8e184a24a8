import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { fromOrmError } from '../../platform/db/index.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import { AuthReason } from './errors.ts';
import { assertPasswordAcceptable, type PasswordHasher } from './password-hash.ts';
import { USER_ROLES, type User, type UserRole, UserSchema } from './user.entity.ts';

/** The rule of a username (and of `HCS_ADMIN_USERNAME`), compared case-sensitively. */
export const USERNAME_PATTERN = /^[a-zA-Z0-9_.-]{1,64}$/;
/** Maximum length of a display name, in characters. */
export const MAX_DISPLAY_NAME_LENGTH = 128;
/** `page_size` of {@link Users.listUsers} when the request leaves it 0. */
export const DEFAULT_USER_PAGE_SIZE = 50;
/** Largest `page_size`; larger requests are coerced to it, as the proto documents. */
export const MAX_USER_PAGE_SIZE = 1000;
/** The `update_mask` paths {@link Users.updateUser} accepts (`*` means all of them). */
export const UPDATABLE_USER_FIELDS = ['display_name', 'roles', 'disabled'] as const;

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
   * {@link UPDATABLE_USER_FIELDS}, or `*`). An empty or absent mask means every updatable
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
}

/** Creates the {@link Users} service over the `users` table. */
export function createUsers(options: UsersOptions): Users {
  const { em, hasher } = options;

  async function load(manager: EntityManager, username: string): Promise<User> {
    assertUsername(username, 'name');
    const user = await manager.findOne(UserSchema, { username }).catch(rethrow);
    if (user === null) {
      throw new AppError(Code.NOT_FOUND, AuthReason.USER_NOT_FOUND, `user "${username}" does not exist`);
    }
    return user;
  }

  return {
    async createUser(input) {
      assertUsername(input.username, 'user.username');
      const displayName = assertDisplayName(input.displayName ?? '') || input.username;
      const roles = assertRoles(input.roles);
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
      const pageSize = pageSizeOf(request.pageSize);
      const after = request.pageToken === '' ? undefined : usernameFromPageToken(request.pageToken);
      const rows = await em()
        .find(UserSchema, after === undefined ? {} : { username: { $gt: after } }, {
          orderBy: { username: 'asc' },
          limit: pageSize + 1,
        })
        .catch(rethrow);
      const page = rows.slice(0, pageSize);
      const last = page.at(-1);
      const more = rows.length > pageSize && last !== undefined;
      return { users: page.map(userToView), nextPageToken: more ? pageTokenOf(last.username) : '' };
    },

    async updateUser(changes, updateMask) {
      const paths = maskPaths(changes, updateMask);
      const displayName = paths.has('display_name') ? assertDisplayName(changes.displayName) : undefined;
      const roles = paths.has('roles') ? assertRoles(changes.roles) : undefined;
      const manager = em();
      const user = await load(manager, changes.username);
      const wasEnabledAdmin = isEnabledAdmin(user);
      if (displayName !== undefined) user.displayName = displayName || user.username;
      if (roles !== undefined) user.roles = roles;
      if (paths.has('disabled')) user.disabled = changes.disabled;
      if (wasEnabledAdmin && !isEnabledAdmin(user)) await assertAnotherEnabledAdmin(manager, user);
      user.updateTime = new Date();
      await manager.flush().catch(rethrow);
      return userToView(user);
    },

    async deleteUser(username) {
      const manager = em();
      const user = await load(manager, username);
      if (isEnabledAdmin(user)) await assertAnotherEnabledAdmin(manager, user);
      await manager.remove(user).flush().catch(rethrow);
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
      await manager.flush().catch(rethrow);
      return { generatedPassword };
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

function isEnabledAdmin(user: User): boolean {
  return !user.disabled && user.roles.includes('admin');
}

/**
 * FAILED_PRECONDITION `LAST_ADMIN` unless an enabled admin other than `user` exists, so the
 * server cannot be locked out. Reads the enabled users (a handful on an edge box); two
 * concurrent demotions of the last two admins can still both pass.
 */
async function assertAnotherEnabledAdmin(manager: EntityManager, user: User): Promise<void> {
  const enabled = await manager
    .find(UserSchema, { disabled: false, id: { $ne: user.id } }, { fields: ['roles'] })
    .catch(rethrow);
  if (!enabled.some((other) => other.roles.includes('admin'))) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      AuthReason.LAST_ADMIN,
      `user "${user.username}" is the last enabled admin; make another user admin first`,
    );
  }
}

function rethrow(error: unknown): never {
  throw fromOrmError(error);
}

function invalid(reason: string, field: string, description: string): AppError {
  return new AppError(Code.INVALID_ARGUMENT, reason, description, {
    fieldViolations: [{ field, description }],
  });
}

/** Throws INVALID_ARGUMENT `INVALID_USERNAME` on `field` unless `username` matches {@link USERNAME_PATTERN}. */
export function assertUsername(username: string, field: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw invalid(
      AuthReason.INVALID_USERNAME,
      field,
      'a username is 1 to 64 ASCII letters, digits, "_", "." and "-"',
    );
  }
}

function assertDisplayName(displayName: string): string {
  if ([...displayName].length > MAX_DISPLAY_NAME_LENGTH) {
    throw invalid(
      AuthReason.INVALID_DISPLAY_NAME,
      'user.display_name',
      `a display name is at most ${MAX_DISPLAY_NAME_LENGTH} characters`,
    );
  }
  return displayName;
}

function isUserRole(role: string): role is UserRole {
  return (USER_ROLES as readonly string[]).includes(role);
}

/** The roles sorted and without duplicates; INVALID_ARGUMENT `INVALID_ROLES` when empty or unknown. */
function assertRoles(roles: readonly string[]): UserRole[] {
  const unknown = roles.filter((role) => !isUserRole(role));
  if (roles.length === 0 || unknown.length > 0) {
    const problem = roles.length === 0 ? 'no role given' : `unknown role(s) ${unknown.join(', ')}`;
    throw invalid(
      AuthReason.INVALID_ROLES,
      'user.roles',
      `${problem}: a user has at least one of ${USER_ROLES.join(', ')}`,
    );
  }
  return [...new Set(roles as UserRole[])].sort();
}

/** {@link assertPasswordAcceptable}, with its field violation on the request's own field. */
function assertNewPassword(password: string, field: string): void {
  try {
    assertPasswordAcceptable(password);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw invalid(error.reason, field, error.message);
  }
}

function pageSizeOf(pageSize: number): number {
  if (!Number.isInteger(pageSize) || pageSize < 0) {
    throw invalid(AuthReason.INVALID_PAGE_SIZE, 'page_size', 'page_size must be 0 or a positive integer');
  }
  if (pageSize === 0) return DEFAULT_USER_PAGE_SIZE;
  return Math.min(pageSize, MAX_USER_PAGE_SIZE);
}

const PAGE_TOKEN_PREFIX = 'u1:';

function pageTokenOf(lastUsername: string): string {
  return Buffer.from(PAGE_TOKEN_PREFIX + lastUsername, 'utf8').toString('base64url');
}

function usernameFromPageToken(token: string): string {
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const username = decoded.slice(PAGE_TOKEN_PREFIX.length);
  if (!decoded.startsWith(PAGE_TOKEN_PREFIX) || !USERNAME_PATTERN.test(username)) {
    throw invalid(AuthReason.INVALID_PAGE_TOKEN, 'page_token', 'page_token is not one this server issued');
  }
  return username;
}

function maskPaths(changes: UserChanges, updateMask: readonly string[] | undefined): Set<string> {
  if (updateMask === undefined || updateMask.length === 0) {
    const implied = new Set<string>();
    if (changes.displayName !== '') implied.add('display_name');
    if (changes.roles.length > 0) implied.add('roles');
    if (changes.disabled) implied.add('disabled');
    return implied;
  }
  if (updateMask.includes('*')) return new Set(UPDATABLE_USER_FIELDS);
  const updatable: readonly string[] = UPDATABLE_USER_FIELDS;
  const bad = updateMask.filter((path) => !updatable.includes(path));
  if (bad.length > 0) {
    throw invalid(
      AuthReason.INVALID_UPDATE_MASK,
      'update_mask',
      `cannot update ${bad.join(', ')}: updatable fields are ${UPDATABLE_USER_FIELDS.join(', ')}`,
    );
  }
  return new Set(updateMask);
}
