import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ulidPrimaryKey } from '../../platform/db/index.ts';

/** The roles a user may hold (proto `User.roles`). */
export const USER_ROLES = ['admin', 'operator', 'viewer', 'service'] as const;

/** One of {@link USER_ROLES}. */
export type UserRole = (typeof USER_ROLES)[number];

/**
 * A human account (`users`): signs in with its username and password. `username` is unique,
 * case-sensitive and immutable; it is the id part of the resource name `users/{username}`.
 *
 * `passwordHash` is the self-describing scrypt string of `createPasswordHasher` and never leaves
 * the service. `roles` is stored sorted and without duplicates. `lastLoginTime` is NULL until
 * the first successful password grant.
 */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: ulidPrimaryKey(),
    username: p.string().length(64).unique('users_username_unique'),
    /** At most 128 characters; defaults to the username when created. */
    displayName: p.string().length(128),
    passwordHash: p.string().length(255),
    roles: p.json<string[]>(),
    disabled: p.boolean().default(false),
    createTime: p.datetime(3).onCreate(() => new Date()),
    /** Any change, including the password; set by the service on every update. */
    updateTime: p.datetime(3).onCreate(() => new Date()),
    passwordUpdateTime: p.datetime(3).onCreate(() => new Date()),
    lastLoginTime: p.datetime(3).nullable(),
  },
});

/** A user as loaded from, or created for, the `users` table. */
export type User = InferEntity<typeof UserSchema>;
