import { KNOWN_SCOPES } from './scopes.ts';

/** Where the token endpoints are published. */
export interface ServerMetadataOptions {
  /** The `iss` of issued tokens. */
  issuer: string;
  /** `HCS_PUBLIC_URL`, the externally visible base URL; undefined: taken from the request's host. */
  publicUrl: string | undefined;
  /** Whether `/.well-known/jwks.json` publishes a key (asymmetric signing). */
  publishesJwks: boolean;
  version: string;
}

/** RFC 8414 §2 metadata, with the RFC's member names. */
export interface ServerMetadata {
  issuer: string;
  token_endpoint: string;
  revocation_endpoint: string;
  grant_types_supported: string[];
  scopes_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  revocation_endpoint_auth_methods_supported: string[];
  response_types_supported: string[];
  jwks_uri?: string;
  server_version: string;
}

/**
 * The authorization server metadata for a request that reached the server as `host` (the
 * HTTP Host header), or with relative endpoints when neither a public URL nor a host is known.
 */
export function serverMetadataOf(options: ServerMetadataOptions, host: string | undefined): ServerMetadata {
  // A Host header is the client's to choose: only a plain host[:port] makes it into URLs.
  const safeHost =
    host !== undefined && /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-fA-F:.]+\](?::\d{1,5})?$/.test(host)
      ? host
      : undefined;
  const base = (options.publicUrl ?? (safeHost === undefined ? '' : `http://${safeHost}`)).replace(
    /\/+$/,
    '',
  );
  return {
    issuer: options.issuer,
    token_endpoint: `${base}/api/v1/auth/token`,
    revocation_endpoint: `${base}/api/v1/auth/revoke`,
    grant_types_supported: ['password', 'refresh_token'],
    scopes_supported: [...KNOWN_SCOPES, '*'],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    response_types_supported: [],
    ...(options.publishesJwks ? { jwks_uri: `${base}/.well-known/jwks.json` } : {}),
    server_version: options.version,
  };
}
