import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ulidPrimaryKey } from '../../platform/db/index.ts';

/**
 * One refresh token (`refresh_tokens`), stored as the SHA-256 of its value and found by the
 * non-secret lookup id inside it. Every token of one sign-in shares a `familyId`: a refresh
 * marks the presented token used and issues the next one of the family, and presenting a used
 * token again revokes the whole family (RFC 6749 §10.4, OAuth 2.0 Security BCP §4.14.2).
 *
 * `expireTime` is the family's, counted from the password grant, so refreshing never extends a
 * sign-in. `scope` is the space-separated scope of the original grant, the widest a refresh may
 * ask for. The token names its user by id: deleting the user deletes its tokens.
 */
export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: ulidPrimaryKey(),
    lookupId: p.string().length(16).unique('refresh_tokens_lookup_id_unique'),
    tokenHash: p.string().length(64),
    familyId: p.string().length(26).index('refresh_tokens_family_id_index'),
    userId: p.string().length(26).index('refresh_tokens_user_id_index'),
    scope: p.text(),
    createTime: p.datetime(3).onCreate(() => new Date()),
    expireTime: p.datetime(3),
    /** When the token was exchanged for its successor; a second use is a replay. */
    usedTime: p.datetime(3).nullable(),
    revokeTime: p.datetime(3).nullable(),
  },
});

/** A refresh token row. */
export type RefreshToken = InferEntity<typeof RefreshTokenSchema>;
