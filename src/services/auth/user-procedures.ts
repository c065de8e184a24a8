import type { AuthServiceService, User as UserMessage } from '../../gen/hcs/v1/auth.ts';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { ListReason } from '../common/index.ts';
import { AuthReason } from './reasons.ts';
import { assertUsername } from './user-rules.ts';
import type { Users, UserView } from './users.ts';

const USER_NAME_PREFIX = 'users/';

/** The user RPCs of AuthService. */
export type UserProcedures = Pick<
  ServiceImplementation<typeof AuthServiceService>,
  'createUser' | 'getUser' | 'listUsers' | 'updateUser' | 'deleteUser' | 'resetUserPassword'
>;

/** `users/{username}` for a username. */
export function userNameOf(username: string): string {
  return USER_NAME_PREFIX + username;
}

/**
 * The username of a resource name `users/{username}`; INVALID_ARGUMENT `INVALID_USERNAME` with
 * a violation on `field` when it is not one.
 */
export function usernameFromUserName(name: string, field: string): string {
  const username = name.startsWith(USER_NAME_PREFIX) ? name.slice(USER_NAME_PREFIX.length) : '';
  assertUsername(username, field);
  return username;
}

/** The proto `User` of a user; there is no field for the password hash. */
export function userToMessage(user: UserView): UserMessage {
  return {
    name: userNameOf(user.username),
    username: user.username,
    displayName: user.displayName,
    roles: [...user.roles],
    disabled: user.disabled,
    createTime: user.createTime,
    updateTime: user.updateTime,
    lastLoginTime: user.lastLoginTime,
    passwordUpdateTime: user.passwordUpdateTime,
  };
}

function requireUser(user: UserMessage | undefined): UserMessage {
  if (user === undefined) {
    throw new AppError(Code.INVALID_ARGUMENT, AuthReason.INVALID_USERNAME, 'user is required', {
      fieldViolations: [{ field: 'user', description: 'user is required' }],
    });
  }
  return user;
}

/**
 * Maps the user RPCs of AuthService onto {@link Users}: proto request → domain call → proto
 * response, nothing else, so the wiring can do
 * `defineService(AuthServiceService, { ...userProcedures(users), … })`.
 */
export function userProcedures(users: Users): UserProcedures {
  return {
    async createUser(request) {
      const user = requireUser(request.user);
      const created = await users.createUser({
        username: user.username,
        displayName: user.displayName,
        roles: user.roles,
        disabled: user.disabled,
        password: request.password,
      });
      return { user: userToMessage(created) };
    },
    async getUser(request) {
      const user = await users.getUser(usernameFromUserName(request.name, 'name'));
      return { user: userToMessage(user) };
    },
    async listUsers(request) {
      // Refused rather than ignored: a client that filters must not get everyone back.
      if (request.filter !== '' || !['', 'username'].includes(request.orderBy.trim())) {
        throw invalidField(
          ListReason.INVALID_LIST_OPTION,
          request.filter !== '' ? 'filter' : 'order_by',
          'this server lists users by username without filtering; leave filter empty and order_by empty or "username"',
        );
      }
      const page = await users.listUsers({ pageSize: request.pageSize, pageToken: request.pageToken });
      return { users: page.users.map(userToMessage), nextPageToken: page.nextPageToken };
    },
    async updateUser(request) {
      const user = requireUser(request.user);
      const username = usernameFromUserName(user.name, 'user.name');
      const updated = await users.updateUser(
        { username, displayName: user.displayName, roles: user.roles, disabled: user.disabled },
        request.updateMask,
      );
      return { user: userToMessage(updated) };
    },
    async deleteUser(request) {
      await users.deleteUser(usernameFromUserName(request.name, 'name'));
      return {};
    },
    async resetUserPassword(request) {
      const username = usernameFromUserName(request.name, 'name');
      return users.resetUserPassword(username, request.newPassword);
    },
  };
}
