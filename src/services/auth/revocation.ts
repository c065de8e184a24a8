import type { EntityManager } from '@mikro-orm/core';
import type { AuditLog } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors/index.ts';
import { auditCall, type CallFacts } from '../common/index.ts';
import type { AccessTokens } from './access-token.ts';
import { parseOpaqueSecret, verifySecret } from './opaque-secret.ts';
import { RefreshTokenSchema } from './refresh-token.entity.ts';
import type { TokenRevocations } from './token-revocations.ts';

/** Options of {@link createRevocation}. */
export interface RevocationOptions {
  em: () => EntityManager;
  accessTokens: AccessTokens;
  revocations: TokenRevocations;
  audit: AuditLog;
  now?: () => number;
}

/** Ends credentials before they expire. */
export interface Revocation {
  /**
   * RFC 7009: revokes a refresh token (its whole family, and the access tokens issued from it)
   * or an access token (its `jti`, until it expires). Unknown, expired, malformed or already
   * revoked tokens succeed silently (§2.2), so the call cannot probe tokens.
   */
  revokeToken(token: string, facts: CallFacts): Promise<void>;
  /** Revokes every refresh token of a user, and with `accessTokensToo` the access tokens issued from them. */
  revokeUserSessions(userId: string, options: { accessTokensToo: boolean }): Promise<void>;
  /** Revokes one family: its refresh tokens and the access tokens issued from it. */
  revokeFamily(manager: EntityManager, familyId: string): Promise<void>;
  /**
   * Whether any refresh token of the family has been revoked. Rotation never revokes, so a
   * revoked sibling means the whole sign-in was ended, even if a token written concurrently
   * escaped the revoking update.
   */
  isFamilyRevoked(manager: EntityManager, familyId: string): Promise<boolean>;
}

/** Creates the revocation operations. */
export function createRevocation(options: RevocationOptions): Revocation {
  const { em, accessTokens, revocations, audit } = options;
  const now = options.now ?? Date.now;

  async function denySessions(familyIds: readonly string[]): Promise<void> {
    const expireAt = now() + accessTokens.acceptedForMs;
    await revocations.revoke(familyIds.map((familyId) => ({ handle: `sid:${familyId}`, expireAt })));
  }

  async function revokeFamily(manager: EntityManager, familyId: string): Promise<void> {
    await manager.nativeUpdate(
      RefreshTokenSchema,
      { familyId, revokeTime: null },
      { revokeTime: new Date(now()) },
    );
    await denySessions([familyId]);
  }

  async function revokeRefreshToken(value: string, facts: CallFacts): Promise<boolean> {
    let lookupId: string;
    try {
      lookupId = parseOpaqueSecret(value, 'refresh_token').id;
    } catch {
      return false;
    }
    const manager = em();
    const row = await manager.findOne(RefreshTokenSchema, { lookupId });
    if (row === null || !verifySecret(value, row.tokenHash)) return false;
    await revokeFamily(manager, row.familyId);
    await auditCall(audit, 'security', facts, {
      outcome: 'success',
      target: `refreshTokens/${lookupId}`,
      details: { token_type: 'refresh_token', family: row.familyId },
    });
    return true;
  }

  async function revokeAccessToken(value: string, facts: CallFacts): Promise<boolean> {
    let claims: ReturnType<AccessTokens['verify']>;
    try {
      claims = accessTokens.verify(value);
    } catch (error) {
      if (error instanceof AppError) return false;
      throw error;
    }
    await revocations.revoke([{ handle: `jti:${claims.jti}`, expireAt: now() + accessTokens.acceptedForMs }]);
    accessTokens.forget(claims.jti);
    await auditCall(audit, 'security', facts, {
      actor: claims.sub,
      outcome: 'success',
      target: claims.sub,
      details: { token_type: 'access_token', jti: claims.jti },
    });
    return true;
  }

  return {
    async revokeToken(token, facts) {
      if (token.startsWith('hcs_rt_')) await revokeRefreshToken(token, facts);
      else await revokeAccessToken(token, facts);
    },
    async revokeUserSessions(userId, { accessTokensToo }) {
      const manager = em();
      await manager.nativeUpdate(
        RefreshTokenSchema,
        { userId, revokeTime: null },
        { revokeTime: new Date(now()) },
      );
      if (!accessTokensToo) return;
      // Every family that issued a token recently enough for its access token to be alive,
      // revoked or not: a reset may have revoked its refresh tokens without denying the family.
      const recent = await manager.find(
        RefreshTokenSchema,
        { userId, createTime: { $gt: new Date(now() - accessTokens.acceptedForMs) } },
        { fields: ['familyId'] },
      );
      await denySessions([...new Set(recent.map((row) => row.familyId))]);
    },
    revokeFamily,
    async isFamilyRevoked(manager, familyId) {
      const revoked = await manager.count(RefreshTokenSchema, { familyId, revokeTime: { $ne: null } });
      return revoked > 0;
    },
  };
}
