import type { Duration } from '../../gen/google/protobuf/duration.ts';
import { type ApiKey as ApiKeyMessage, ApiKeyState, type AuthServiceService } from '../../gen/hcs/v1/auth.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { callFactsOf, ListReason } from '../common/index.ts';
import { assertKeyId } from './api-key-rules.ts';
import type { ApiKeys, ApiKeyView } from './api-keys.ts';
import { AuthReason } from './reasons.ts';

/** The API key RPCs of AuthService. */
export type ApiKeyProcedures = Pick<
  ServiceImplementation<typeof AuthServiceService>,
  'createApiKey' | 'getApiKey' | 'listApiKeys' | 'revokeApiKey'
>;

const API_KEY_NAME_PREFIX = 'apiKeys/';

const STATES: Record<ApiKeyView['state'], ApiKeyState> = {
  active: ApiKeyState.API_KEY_STATE_ACTIVE,
  expired: ApiKeyState.API_KEY_STATE_EXPIRED,
  revoked: ApiKeyState.API_KEY_STATE_REVOKED,
};

/** The proto `ApiKey` of a key; there is no field for the secret or its hash. */
export function apiKeyToMessage(key: ApiKeyView): ApiKeyMessage {
  return {
    name: API_KEY_NAME_PREFIX + key.keyId,
    displayName: key.displayName,
    prefix: key.prefix,
    roles: key.roles,
    scopes: key.scopes,
    expireTime: key.expireTime,
    state: STATES[key.state],
    createTime: key.createTime,
    creator: key.creator,
    lastUsedTime: key.lastUsedTime,
    revokeTime: key.revokeTime,
  };
}

/** The id of `apiKeys/{id}`; INVALID_ARGUMENT naming `field` when it is not one. */
export function keyIdFromName(name: string, field: string): string {
  const keyId = name.startsWith(API_KEY_NAME_PREFIX) ? name.slice(API_KEY_NAME_PREFIX.length) : '';
  assertKeyId(keyId, field);
  return keyId;
}

// A Duration too large for a double becomes Infinity, which the service refuses as out of range.
function durationToMs(duration: Duration): number {
  return Number(duration.seconds) * 1000 + Math.trunc(duration.nanos / 1e6);
}

/** Maps the API key RPCs onto {@link ApiKeys}. */
export function apiKeyProcedures(apiKeys: ApiKeys): ApiKeyProcedures {
  return {
    async createApiKey(request, ctx) {
      const key = request.apiKey;
      if (key === undefined) {
        throw invalidField(AuthReason.INVALID_ROLES, 'api_key', 'api_key is required');
      }
      const created = await apiKeys.createApiKey(
        {
          keyId: request.apiKeyId,
          displayName: key.displayName,
          roles: key.roles,
          scopes: key.scopes,
          ...(key.expireTime === undefined ? {} : { expireTime: key.expireTime }),
          ...(key.ttl === undefined ? {} : { ttlMs: durationToMs(key.ttl) }),
        },
        callFactsOf(ctx),
        ctx.principal,
      );
      return { apiKey: apiKeyToMessage(created.apiKey), secret: created.secret };
    },
    async getApiKey(request) {
      return { apiKey: apiKeyToMessage(await apiKeys.getApiKey(keyIdFromName(request.name, 'name'))) };
    },
    async listApiKeys(request) {
      if (request.filter !== '' || !['', 'create_time desc'].includes(request.orderBy.trim())) {
        throw invalidField(
          ListReason.INVALID_LIST_OPTION,
          request.filter !== '' ? 'filter' : 'order_by',
          'this server lists API keys newest first without filtering; leave filter empty and order_by empty or "create_time desc"',
        );
      }
      const page = await apiKeys.listApiKeys({ pageSize: request.pageSize, pageToken: request.pageToken });
      return { apiKeys: page.apiKeys.map(apiKeyToMessage), nextPageToken: page.nextPageToken };
    },
    async revokeApiKey(request, ctx) {
      const revoked = await apiKeys.revokeApiKey(keyIdFromName(request.name, 'name'), callFactsOf(ctx));
      return { apiKey: apiKeyToMessage(revoked) };
    },
  };
}
