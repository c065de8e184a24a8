import type { EntityManager } from '@mikro-orm/core';
import type { AuditLog } from '../../platform/db/index.ts';
import { createUlid } from '../../platform/db/index.ts';
import { Code } from '../../platform/errors/index.ts';
import { auditCall, type CallFacts } from '../common/index.ts';
import type { AccessTokens } from './access-token.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { oauthError } from './oauth-error.ts';
import { generateOpaqueSecret, parseOpaqueSecret, verifySecret } from './opaque-secret.ts';
import type { PasswordHasher } from './password-hash.ts';
import { RefreshTokenSchema } from './refresh-token.entity.ts';
import type { Revocation } from './revocation.ts';
import { ALL_SCOPES, isScopeSubset, parseScopeParameter } from './scopes.ts';
import { type User, UserSchema } from './user.entity.ts';
import { USERNAME_PATTERN } from './user-rules.ts';

/** An RFC 6749 §5.1 access token response. */
export interface TokenResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  /** Space-separated scopes of the access token. */
  scope: string;
}

/** A CreateToken request, RFC 6749 parameter by parameter. */
export interface TokenRequest {
  grantType: string;
  username: string;
  password: string;
  refreshToken: string;
  scope: string;
  clientId: string;
}

/** Options of {@link createGrants}. */
export interface GrantsOptions {
  em: () => EntityManager;
  hasher: PasswordHasher;
  accessTokens: AccessTokens;
  revocation: Revocation;
  throttle: LoginThrottle;
  audit: AuditLog;
  /** Lifetime of a sign-in: refresh tokens of one family expire this long after the password grant. Default 30 days. */
  refreshTtlMs?: number;
  now?: () => number;
}

/** The OAuth2 grants of the token endpoint. */
export interface Grants {
  /**
   * Answers a password grant (RFC 6749 §4.3) or a refresh grant (§6). Failures are RFC errors
   * (see `oauth-error.ts`): `invalid_grant` for any credential that does not verify, with one
   * message for an unknown user and a wrong password; RESOURCE_EXHAUSTED `LOGIN_THROTTLED`
   * while the username or address must wait.
   */
  createToken(request: TokenRequest, facts: CallFacts): Promise<TokenResponse>;
}

const WRONG_CREDENTIALS = 'the username or password is wrong';
const BAD_REFRESH_TOKEN = 'the refresh token is invalid, expired or revoked';

/** Creates the grants. */
export function createGrants(options: GrantsOptions): Grants {
  const { em, hasher, accessTokens, revocation, throttle, audit } = options;
  const now = options.now ?? Date.now;
  const refreshTtlMs = options.refreshTtlMs ?? 30 * 24 * 3600_000;

  /** Issues the access token and the next refresh token of `familyId`; the caller flushes. */
  function issue(
    manager: EntityManager,
    user: User,
    family: { id: string; expireTime: Date; scope: string },
    scopes: string[],
  ) {
    const refresh = generateOpaqueSecret('refresh_token');
    manager.create(RefreshTokenSchema, {
      lookupId: refresh.id,
      tokenHash: refresh.hash,
      familyId: family.id,
      userId: user.id,
      scope: family.scope,
      expireTime: family.expireTime,
      usedTime: null,
      revokeTime: null,
    });
    const { token } = accessTokens.sign({
      subject: `users/${user.username}`,
      roles: user.roles,
      scopes,
      sessionId: family.id,
    });
    return {
      accessToken: token,
      tokenType: 'Bearer' as const,
      expiresIn: accessTokens.expiresInSeconds,
      refreshToken: refresh.value,
      scope: scopes.join(' '),
    };
  }

  async function passwordGrant(request: TokenRequest, facts: CallFacts): Promise<TokenResponse> {
    if (request.username === '' || request.password === '') {
      throw oauthError('invalid_request', 'the password grant needs username and password');
    }
    const requested = parseScopeParameter(request.scope);
    const scopes = requested.length === 0 ? [ALL_SCOPES] : requested;
    const { username } = request;
    const manager = em();
    let user: User | null = null;
    let verified = false;
    // The throttle serialises attempts per username, so concurrent guesses cannot all slip
    // through the check before the first failure is counted.
    await throttle.attempt(username, facts.clientAddress, async () => {
      user = USERNAME_PATTERN.test(username) ? await manager.findOne(UserSchema, { username }) : null;
      verified =
        user === null
          ? await hasher.verifyAgainstDummy(request.password)
          : await hasher.verify(request.password, user.passwordHash);
      return user !== null && verified && !user.disabled;
    });
    // Only an existing user is named: a password typed into the username field must not be kept.
    const found = user as User | null;
    const target = found === null ? '' : `users/${username}`;
    const clientId = request.clientId.slice(0, 64);
    if (found === null || !verified || found.disabled) {
      const why = found === null ? 'unknown user' : verified ? 'user disabled' : 'wrong password';
      const message = verified && found !== null ? `user "${username}" is disabled` : WRONG_CREDENTIALS;
      await auditCall(audit, 'security', facts, {
        outcome: 'denied',
        target,
        statusCode: Code.UNAUTHENTICATED,
        statusMessage: message,
        details: { grant_type: 'password', why, client_id: clientId },
      });
      throw oauthError('invalid_grant', message);
    }
    const signedIn: User = found;
    if (hasher.needsRehash(signedIn.passwordHash))
      signedIn.passwordHash = await hasher.hash(request.password);
    signedIn.lastLoginTime = new Date(now());
    const family = { id: createUlid(), expireTime: new Date(now() + refreshTtlMs), scope: scopes.join(' ') };
    const response = issue(manager, signedIn, family, scopes);
    await manager.flush();
    await auditCall(audit, 'security', facts, {
      actor: `users/${username}`,
      outcome: 'success',
      target,
      details: { grant_type: 'password', scope: response.scope, client_id: clientId },
    });
    return response;
  }

  async function refreshGrant(request: TokenRequest, facts: CallFacts): Promise<TokenResponse> {
    if (request.refreshToken === '') {
      throw oauthError('invalid_request', 'the refresh_token grant needs refresh_token');
    }
    let lookupId: string;
    try {
      lookupId = parseOpaqueSecret(request.refreshToken, 'refresh_token').id;
    } catch {
      throw oauthError('invalid_grant', BAD_REFRESH_TOKEN);
    }
    const manager = em();
    const row = await manager.findOne(RefreshTokenSchema, { lookupId });
    if (row === null || !verifySecret(request.refreshToken, row.tokenHash)) {
      throw oauthError('invalid_grant', BAD_REFRESH_TOKEN);
    }
    const denied = async (why: string) => {
      await auditCall(audit, 'security', facts, {
        outcome: 'denied',
        target: `refreshTokens/${lookupId}`,
        statusCode: Code.UNAUTHENTICATED,
        statusMessage: BAD_REFRESH_TOKEN,
        details: { grant_type: 'refresh_token', why, family: row.familyId },
      });
      return oauthError('invalid_grant', BAD_REFRESH_TOKEN);
    };
    if (row.revokeTime != null || (await revocation.isFamilyRevoked(manager, row.familyId))) {
      throw await denied('revoked');
    }
    if (row.expireTime.getTime() <= now()) throw await denied('expired');
    // A bad scope parameter is the client's mistake: refuse it before the token is spent.
    const granted = row.scope.split(' ').filter((item) => item !== '');
    const requested = parseScopeParameter(request.scope);
    if (!isScopeSubset(requested, granted)) {
      throw oauthError('invalid_scope', 'a refresh may only narrow the scopes of the original grant');
    }
    const scopes = requested.length === 0 ? granted : requested;
    // Marking it used is a conditional update, so of two concurrent refreshes one wins and the
    // other is treated as the replay it may well be.
    const marked =
      row.usedTime == null
        ? await manager.nativeUpdate(
            RefreshTokenSchema,
            { id: row.id, usedTime: null },
            { usedTime: new Date(now()) },
          )
        : 0;
    if (marked === 0) {
      await revocation.revokeFamily(manager, row.familyId);
      throw await denied('reused: family revoked');
    }
    const user = await manager.findOne(UserSchema, { id: row.userId });
    if (user === null || user.disabled) throw await denied(user === null ? 'user deleted' : 'user disabled');
    const response = issue(
      manager,
      user,
      { id: row.familyId, expireTime: row.expireTime, scope: row.scope },
      scopes,
    );
    await manager.flush();
    // A revocation of the family or the user that ran while this refresh was under way found
    // no row for the token just written; look again now that it is stored, and fail closed.
    if (await revocation.isFamilyRevoked(manager, row.familyId)) {
      await revocation.revokeFamily(manager, row.familyId);
      throw await denied('revoked during the refresh');
    }
    await auditCall(audit, 'security', facts, {
      actor: `users/${user.username}`,
      outcome: 'success',
      target: `users/${user.username}`,
      details: { grant_type: 'refresh_token', scope: response.scope, family: row.familyId },
    });
    return response;
  }

  return {
    async createToken(request, facts) {
      switch (request.grantType) {
        case 'password':
          return passwordGrant(request, facts);
        case 'refresh_token':
          return refreshGrant(request, facts);
        case '':
          throw oauthError('invalid_request', 'grant_type is required', { field: 'grant_type' });
        default:
          throw oauthError(
            'unsupported_grant_type',
            `grant_type ${JSON.stringify(request.grantType.slice(0, 64))} is not supported; use password or refresh_token`,
            { field: 'grant_type' },
          );
      }
    },
  };
}
