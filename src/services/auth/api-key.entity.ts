import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { ulidPrimaryKey } from '../../platform/db/index.ts';

/**
 * A long-lived credential of a machine client (`api_keys`), resource name `apiKeys/{keyId}`.
 * Only the SHA-256 of the secret is stored; `lookupId` (inside the secret, not secret itself)
 * finds the row and `prefix` shows which key a leaked value is. `roles` and `scopes` are fixed
 * at creation. A key authenticates while `revokeTime` is NULL and `expireTime` is NULL or ahead.
 */
export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  tableName: 'api_keys',
  properties: {
    id: ulidPrimaryKey(),
    keyId: p.string().length(63).unique('api_keys_key_id_unique'),
    displayName: p.string().length(128),
    lookupId: p.string().length(16).unique('api_keys_lookup_id_unique'),
    prefix: p.string().length(32),
    secretHash: p.string().length(64),
    roles: p.json<string[]>(),
    scopes: p.json<string[]>(),
    /** Subject that created the key, e.g. `users/alice`. */
    creator: p.string().length(255),
    createTime: p.datetime(3).onCreate(() => new Date()),
    expireTime: p.datetime(3).nullable(),
    /** Updated at most once a minute by the authenticator. */
    lastUsedTime: p.datetime(3).nullable(),
    revokeTime: p.datetime(3).nullable(),
  },
});

/** An API key row. */
export type ApiKey = InferEntity<typeof ApiKeySchema>;
