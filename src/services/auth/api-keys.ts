import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { type Bus, defineTopic, type Subscription } from '../../platform/bus/index.ts';
import type { AuditLog } from '../../platform/db/index.ts';
import { fromOrmError } from '../../platform/db/index.ts';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import { auditCall, type CallFacts, findKeysetPage, type KeysetOrder } from '../common/index.ts';
import { type ApiKey, ApiKeySchema } from './api-key.entity.ts';
import { assertKeyId, assertNotWider, expiryOf } from './api-key-rules.ts';
import { generateOpaqueSecret, hashSecret, parseOpaqueSecret, verifySecret } from './opaque-secret.ts';
import { AuthReason } from './reasons.ts';
import { assertScopeList } from './scopes.ts';
import { assertRoles } from './user-rules.ts';

/** An API key as the service returns it: never its secret or hash. */
export interface ApiKeyView {
  keyId: string;
  displayName: string;
  prefix: string;
  roles: string[];
  scopes: string[];
  state: 'active' | 'expired' | 'revoked';
  creator: string;
  createTime: Date;
  expireTime: Date | undefined;
  lastUsedTime: Date | undefined;
  revokeTime: Date | undefined;
}

/** What {@link ApiKeys.createApiKey} needs; at most one of `expireTime` and `ttlMs`. */
export interface NewApiKey {
  /** Empty: the server picks `key-<random>`. */
  keyId: string;
  displayName: string;
  roles: readonly string[];
  scopes: readonly string[];
  expireTime?: Date;
  ttlMs?: number;
}

/** The caller an API key stands for. */
export interface ApiKeyPrincipal {
  subject: string;
  displayName: string;
  roles: readonly string[];
  scopes: readonly string[];
  issueTime: Date;
  expireTime: Date | undefined;
}

/** Options of {@link createApiKeys}. */
export interface ApiKeysOptions {
  em: () => EntityManager;
  audit: AuditLog;
  /** Carries revocations to the other replicas' caches. */
  bus: Bus;
  /** `HCS_SERVICE_API_KEYS`: configured secrets granted the `service` role and every scope. */
  bootstrapKeys?: readonly string[];
  /** How long a verified key is trusted without reading its row again. Default 30 s. */
  cacheTtlMs?: number;
  now?: () => number;
}

/** API keys: management (one method per RPC) and the check of a presented key. */
export interface ApiKeys {
  /**
   * Creates a key. With `caller`, the key may not grant a role or scope the caller lacks
   * (PERMISSION_DENIED `CREDENTIAL_WIDENING`), so a narrowed token cannot mint a wider key.
   */
  createApiKey(
    key: NewApiKey,
    facts: CallFacts,
    caller?: { roles: readonly string[]; scopes: readonly string[] },
  ): Promise<{ apiKey: ApiKeyView; secret: string }>;
  getApiKey(keyId: string): Promise<ApiKeyView>;
  /** Newest first; `pageToken` is an opaque cursor. */
  listApiKeys(request: {
    pageSize: number;
    pageToken: string;
  }): Promise<{ apiKeys: ApiKeyView[]; nextPageToken: string }>;
  /** Revokes a key at once on every replica; revoking it again keeps the first `revokeTime`. */
  revokeApiKey(keyId: string, facts: CallFacts): Promise<ApiKeyView>;
  /** The principal of a presented key; UNAUTHENTICATED `API_KEY_INVALID` when it does not authenticate. */
  authenticate(value: string): Promise<ApiKeyPrincipal>;
  /** Starts listening for revocations made by other replicas. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const REVOKED_TOPIC = defineTopic<string>('auth.api-key-revoked');
const LAST_USED_EVERY_MS = 60_000;

/** Newest first: key ids are ULIDs, so id order is creation order. */
const API_KEY_ORDER: KeysetOrder<ApiKey> = {
  key: 'id',
  direction: 'desc',
  cursorPrefix: 'k1:',
  keyPattern: /^[0-9A-Z]{26}$/,
};

/** Creates the API key service. */
export function createApiKeys(options: ApiKeysOptions): ApiKeys {
  const { em, audit, bus } = options;
  const now = options.now ?? Date.now;
  const cacheTtlMs = options.cacheTtlMs ?? 30_000;
  const bootstrap = new Map<string, ApiKeyPrincipal>(
    (options.bootstrapKeys ?? []).map((secret, index) => {
      // Named by position, not by anything derived from the secret, which would help guessing.
      const id = `bootstrap-${index + 1}`;
      return [
        hashSecret(secret),
        {
          subject: `apiKeys/${id}`,
          displayName: 'bootstrap service key (HCS_SERVICE_API_KEYS)',
          roles: ['service'],
          scopes: ['*'],
          issueTime: new Date(0),
          expireTime: undefined,
        },
      ];
    }),
  );
  // Verified rows by lookup id, so a hot key costs a hash and a map lookup, not a query.
  const verified = new Map<string, { row: ApiKey; until: number }>();
  let subscription: Subscription | undefined;

  async function load(manager: EntityManager, keyId: string): Promise<ApiKey> {
    assertKeyId(keyId, 'name');
    const row = await manager.findOne(ApiKeySchema, { keyId });
    if (row === null)
      throw new AppError(Code.NOT_FOUND, AuthReason.API_KEY_NOT_FOUND, `API key "${keyId}" does not exist`);
    return row;
  }

  const view = (row: ApiKey) => apiKeyToView(row, now());

  return {
    async createApiKey(input, facts, caller) {
      const keyId = input.keyId === '' ? `key-${randomBytes(6).toString('hex')}` : input.keyId;
      assertKeyId(keyId, 'api_key_id');
      if ([...input.displayName].length > 128) {
        throw invalidField(
          AuthReason.INVALID_DISPLAY_NAME,
          'api_key.display_name',
          'a display name is at most 128 characters',
        );
      }
      const roles = assertRoles(input.roles, 'api_key.roles');
      const scopes = assertScopeList(input.scopes, 'api_key.scopes');
      if (caller !== undefined) assertNotWider(roles, scopes, caller);
      const expireTime = expiryOf(input, now());
      const secret = generateOpaqueSecret('api_key');
      const manager = em();
      const row = manager.create(ApiKeySchema, {
        keyId,
        displayName: input.displayName || keyId,
        lookupId: secret.id,
        prefix: `hcs_ak_${secret.id}`,
        secretHash: secret.hash,
        roles,
        scopes,
        creator: facts.actor,
        expireTime: expireTime ?? null,
        lastUsedTime: null,
        revokeTime: null,
      });
      try {
        await manager.persist(row).flush();
      } catch (error) {
        const translated = fromOrmError(error);
        if (translated.code !== Code.ALREADY_EXISTS) throw translated;
        throw new AppError(
          Code.ALREADY_EXISTS,
          AuthReason.API_KEY_ALREADY_EXISTS,
          `API key "${keyId}" already exists`,
          {
            cause: error,
          },
        );
      }
      await auditCall(audit, 'security', facts, {
        outcome: 'success',
        target: `apiKeys/${keyId}`,
        details: { roles: roles.join(' '), scopes: scopes.join(' '), prefix: row.prefix },
      });
      return { apiKey: view(row), secret: secret.value };
    },

    async getApiKey(keyId) {
      return view(await load(em(), keyId));
    },

    async listApiKeys(request) {
      const page = await findKeysetPage(em(), ApiKeySchema, {}, API_KEY_ORDER, request);
      return { apiKeys: page.rows.map(view), nextPageToken: page.nextPageToken };
    },

    async revokeApiKey(keyId, facts) {
      const manager = em();
      const row = await load(manager, keyId);
      if (row.revokeTime == null) {
        row.revokeTime = new Date(now());
        await manager.flush();
        verified.delete(row.lookupId);
        await bus.publish(REVOKED_TOPIC, row.lookupId);
        await auditCall(audit, 'security', facts, {
          outcome: 'success',
          target: `apiKeys/${keyId}`,
          details: { prefix: row.prefix },
        });
      }
      return view(row);
    },

    async authenticate(value) {
      const configured = bootstrap.get(hashSecret(value));
      if (configured !== undefined) return configured;
      let lookupId: string;
      try {
        lookupId = parseOpaqueSecret(value, 'api_key').id;
      } catch {
        throw keyInvalid();
      }
      const at = now();
      let cached = verified.get(lookupId);
      if (cached === undefined || cached.until <= at) {
        const row = await em().findOne(ApiKeySchema, { lookupId });
        if (row === null) throw keyInvalid();
        cached = { row, until: at + cacheTtlMs };
        verified.set(lookupId, cached);
      }
      const { row } = cached;
      if (!verifySecret(value, row.secretHash) || apiKeyStateOf(row, at) !== 'active') throw keyInvalid();
      if (row.lastUsedTime == null || row.lastUsedTime.getTime() + LAST_USED_EVERY_MS <= at) {
        row.lastUsedTime = new Date(at);
        // Best effort: a failed bookkeeping write must not fail the caller's call.
        em()
          .nativeUpdate(ApiKeySchema, { id: row.id }, { lastUsedTime: row.lastUsedTime })
          .catch(() => undefined);
      }
      return {
        subject: `apiKeys/${row.keyId}`,
        displayName: row.displayName,
        roles: row.roles,
        scopes: row.scopes,
        issueTime: row.createTime,
        expireTime: row.expireTime ?? undefined,
      };
    },

    async start() {
      subscription = await bus.subscribe(REVOKED_TOPIC, (lookupId) => {
        verified.delete(lookupId);
      });
    },

    async close() {
      await subscription?.unsubscribe();
    },
  };
}

/** Whether a key authenticates at `at`. */
export function apiKeyStateOf(row: ApiKey, at: number): ApiKeyView['state'] {
  if (row.revokeTime != null) return 'revoked';
  if (row.expireTime != null && row.expireTime.getTime() <= at) return 'expired';
  return 'active';
}

function apiKeyToView(row: ApiKey, at: number): ApiKeyView {
  return {
    keyId: row.keyId,
    displayName: row.displayName,
    prefix: row.prefix,
    roles: [...row.roles],
    scopes: [...row.scopes],
    state: apiKeyStateOf(row, at),
    creator: row.creator,
    createTime: row.createTime,
    expireTime: row.expireTime ?? undefined,
    lastUsedTime: row.lastUsedTime ?? undefined,
    revokeTime: row.revokeTime ?? undefined,
  };
}

function keyInvalid(): AppError {
  return new AppError(
    Code.UNAUTHENTICATED,
    AuthReason.API_KEY_INVALID,
    'the API key is invalid, expired or revoked',
  );
}
