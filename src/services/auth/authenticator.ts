import { AppError, Code } from '../../platform/errors/index.ts';
import type { Authenticator, Principal } from '../../transport/rpc/index.ts';
import type { AccessTokenClaims, AccessTokens } from './access-token.ts';
import type { ApiKeys } from './api-keys.ts';
import { AuthReason } from './reasons.ts';
import type { TokenRevocations } from './token-revocations.ts';

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  accessTokens: AccessTokens;
  revocations: TokenRevocations;
  apiKeys: ApiKeys;
}

/**
 * Turns a call's credentials into its principal: a bearer access token (signature, `iss`,
 * `aud`, `exp`, then the revocation list) or an API key (configured bootstrap keys, then the
 * `api_keys` table). Anything that does not verify is UNAUTHENTICATED with a reason saying
 * why (`TOKEN_EXPIRED`, `TOKEN_INVALID`, `TOKEN_REVOKED`, `API_KEY_INVALID`) and nothing of
 * the credential itself.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { accessTokens, revocations, apiKeys } = options;
  // Claims objects come from the verified-token cache, so one principal per cached token.
  const principals = new WeakMap<AccessTokenClaims, Principal>();

  function principalOf(claims: AccessTokenClaims): Principal {
    let principal = principals.get(claims);
    if (principal === undefined) {
      principal = Object.freeze({
        subject: claims.sub,
        displayName: claims.sub.replace(/^users\//, ''),
        roles: claims.roles,
        scopes: Object.freeze(claims.scope.split(' ').filter((scope) => scope !== '')),
        credential: 'access_token',
        issueTime: new Date(claims.iat * 1000),
        expireTime: new Date(claims.exp * 1000),
      });
      principals.set(claims, principal);
    }
    return principal;
  }

  // Access tokens are answered synchronously (signature cache, in-memory revocations): no
  // promise for the common call. API keys may need the database.
  return function authenticate(credentials) {
    if (credentials.kind === 'access_token') {
      const claims = accessTokens.verify(credentials.token);
      if (revocations.isRevoked(claims.jti, claims.sid)) {
        throw new AppError(
          Code.UNAUTHENTICATED,
          AuthReason.TOKEN_REVOKED,
          'the access token has been revoked',
        );
      }
      return principalOf(claims);
    }
    if (credentials.kind === 'api_key') {
      return apiKeys
        .authenticate(credentials.key)
        .then((key): Principal => ({ ...key, credential: 'api_key' }));
    }
    throw new AppError(
      Code.UNAUTHENTICATED,
      'UNAUTHENTICATED',
      'this method needs a bearer token or an API key',
    );
  };
}
