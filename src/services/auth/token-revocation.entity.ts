import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * An access-token handle denied until `expireTime` (`token_revocations`): `jti:<jti>` for one
 * revoked access token, `sid:<familyId>` for every access token issued from a revoked refresh
 * token family. A row is useless once every token it could match has expired, and is deleted
 * then. Kept in the database so a revocation survives a restart; every replica holds the live
 * rows in memory, so checking a call costs no query.
 */
export const TokenRevocationSchema = defineEntity({
  name: 'TokenRevocation',
  tableName: 'token_revocations',
  properties: {
    handle: p.string().length(64).primary(),
    expireTime: p.datetime(3).index('token_revocations_expire_time_index'),
  },
});

/** A token revocation row. */
export type TokenRevocation = InferEntity<typeof TokenRevocationSchema>;
