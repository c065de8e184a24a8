import { type AuthServiceService, CredentialKind } from '../../gen/hcs/v1/auth.ts';
import { AppError, Code } from '../../platform/errors/index.ts';
import type { CallContext, ServiceImplementation } from '../../transport/rpc/index.ts';
import { callFactsOf } from '../common/index.ts';
import type { Grants } from './grants.ts';
import { oauthError } from './oauth-error.ts';
import { AuthReason } from './reasons.ts';
import type { Revocation } from './revocation.ts';
import { type ServerMetadataOptions, serverMetadataOf } from './server-metadata.ts';
import type { Users } from './users.ts';

/** The credential RPCs of AuthService. */
export type TokenProcedures = Pick<
  ServiceImplementation<typeof AuthServiceService>,
  'createToken' | 'revokeToken' | 'getServerMetadata' | 'whoAmI' | 'changePassword'
>;

/** What the credential RPCs are built on. */
export interface TokenProcedureDependencies {
  grants: Grants;
  revocation: Revocation;
  users: Users;
  metadata: ServerMetadataOptions;
}

/** Maps the credential RPCs onto the grants, revocation and users services. */
export function tokenProcedures(dependencies: TokenProcedureDependencies): TokenProcedures {
  const { grants, revocation, users, metadata } = dependencies;
  return {
    async createToken(request, ctx) {
      return grants.createToken(
        {
          grantType: request.grantType,
          username: request.username,
          password: request.password,
          refreshToken: request.refreshToken,
          scope: request.scope,
          clientId: request.clientId,
        },
        callFactsOf(ctx),
      );
    },
    async revokeToken(request, ctx) {
      if (request.token === '') throw oauthError('invalid_request', 'token is required', { field: 'token' });
      await revocation.revokeToken(request.token, callFactsOf(ctx));
      return {};
    },
    async getServerMetadata(_request, ctx) {
      const document = serverMetadataOf(metadata, ctx.requestHeaders.get('host'));
      return {
        issuer: document.issuer,
        tokenEndpoint: document.token_endpoint,
        revocationEndpoint: document.revocation_endpoint,
        grantTypesSupported: document.grant_types_supported,
        scopesSupported: document.scopes_supported,
        tokenEndpointAuthMethodsSupported: document.token_endpoint_auth_methods_supported,
        serverVersion: document.server_version,
      };
    },
    async whoAmI(_request, ctx) {
      const { principal } = ctx;
      return {
        principal: {
          subject: principal.subject,
          displayName: principal.displayName ?? principal.subject,
          roles: [...principal.roles].sort(),
          scopes: [...principal.scopes].sort(),
          credentialKind:
            principal.credential === 'api_key'
              ? CredentialKind.CREDENTIAL_KIND_API_KEY
              : CredentialKind.CREDENTIAL_KIND_ACCESS_TOKEN,
          issueTime: principal.issueTime,
          expireTime: principal.expireTime,
        },
      };
    },
    async changePassword(request, ctx) {
      await users.changePassword(
        callerUsername(ctx),
        request.currentPassword,
        request.newPassword,
        callFactsOf(ctx).clientAddress,
      );
      return {};
    },
  };
}

/** The username of a caller signed in with an access token; FAILED_PRECONDITION `NOT_A_USER` otherwise. */
function callerUsername(ctx: CallContext): string {
  const { subject, credential } = ctx.principal;
  if (credential !== 'access_token' || !subject.startsWith('users/')) {
    throw new AppError(
      Code.FAILED_PRECONDITION,
      AuthReason.NOT_A_USER,
      'only a user signed in with an access token has a password; this call used an API key',
    );
  }
  return subject.slice('users/'.length);
}
