import type { HttpRoute } from './http-route.ts';
import { sendJson } from './json-response.ts';

/** The public documents other services read to verify hcs tokens without calling hcs. */
export interface WellKnownDocuments {
  /** `/.well-known/jwks.json` (RFC 7517): the token-verifying public keys; empty for HS256. */
  jwks(): unknown;
  /** `/.well-known/oauth-authorization-server` (RFC 8414) for a request to `host`. */
  authorizationServer(host: string | undefined): unknown;
}

/**
 * `GET /.well-known/jwks.json` and `GET /.well-known/oauth-authorization-server`: public, read
 * by other services' token verifiers, possibly from browsers, so any origin may read them. The
 * key set is the same for everyone (cached 5 minutes); the metadata may be built from the Host
 * header, so no shared cache may keep one client's answer for another.
 */
export function createWellKnownRoutes(documents: WellKnownDocuments): HttpRoute[] {
  return [
    {
      name: 'JSON Web Key Set',
      methods: ['GET'],
      path: '/.well-known/jwks.json',
      cors: 'any',
      handle(_request, response) {
        sendJson(response, 200, documents.jwks(), 'public, max-age=300');
      },
    },
    {
      name: 'authorization server metadata',
      methods: ['GET'],
      path: '/.well-known/oauth-authorization-server',
      cors: 'any',
      handle(request, response) {
        sendJson(response, 200, documents.authorizationServer(request.headers.host));
      },
    },
  ];
}
