import type { EntitySchema } from '@mikro-orm/core';
import { ApiKeySchema } from './api-key.entity.ts';
import { RefreshTokenSchema } from './refresh-token.entity.ts';
import { TokenRevocationSchema } from './token-revocation.entity.ts';
import { UserSchema } from './user.entity.ts';

/** The tables of the auth service. */
export const AUTH_ENTITIES: readonly EntitySchema[] = [
  UserSchema,
  RefreshTokenSchema,
  ApiKeySchema,
  TokenRevocationSchema,
];
