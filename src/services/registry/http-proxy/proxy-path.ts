import { invalidField } from '../../../platform/errors/index.ts';
import { ProxyReason } from './reasons.ts';

/** The proxy's route prefix; below it, `{service}/{path...}`. */
export const PROXY_PREFIX = '/api/v1/proxy/';

/** What a proxied request target names. */
export interface ProxyTarget {
  readonly service: string;
  /** The rest of the path, still percent-encoded, `''` or starting with `/`. */
  readonly path: string;
}

// Liberal on purpose: the registry decides which names exist; this only keeps the segment plain.
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
// Encoded `/` or `\` would be a separator to an upstream that decodes before routing, a NUL
// truncates in C-based servers; either could reach outside the instance's base path. Encoded
// again (`%252f`) too, for upstreams that decode twice.
const FORBIDDEN_ESCAPE = /%(?:25)*(?:2f|5c|00)/i;
const DOT_SEGMENT = /^(?:\.|%(?:25)*2e){1,2}$/i;

/**
 * Splits the (already normalised) path of a proxy request into the service and the path below
 * it. Throws INVALID_ARGUMENT `PROXY_SERVICE_INVALID` (field `service`) or `PROXY_PATH_INVALID`
 * (field `path`) for an encoded slash or backslash, a NUL, a backslash or a dot segment, so the
 * path appended to an instance's base path can never climb above it.
 */
export function parseProxyTarget(pathname: string): ProxyTarget {
  const rest = pathname.slice(PROXY_PREFIX.length);
  const slash = rest.indexOf('/');
  const service = slash === -1 ? rest : rest.slice(0, slash);
  if (!SERVICE_NAME.test(service)) {
    throw invalidField(
      ProxyReason.PROXY_SERVICE_INVALID,
      'service',
      service === ''
        ? 'the proxy path needs a service: /api/v1/proxy/{service}/{path}'
        : 'a service name is 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  const path = slash === -1 ? '' : rest.slice(slash);
  if (
    FORBIDDEN_ESCAPE.test(path) ||
    path.includes('\\') ||
    path.split('/').some((s) => DOT_SEGMENT.test(s))
  ) {
    throw invalidField(
      ProxyReason.PROXY_PATH_INVALID,
      'path',
      'the proxied path must not contain an encoded slash or backslash, a NUL, a backslash or a "." or ".." segment',
    );
  }
  return { service, path };
}

/**
 * The path and query sent to an instance: its base path (`/api` of `http://host/api`) joined
 * with the proxied path, and the client's query as it came.
 */
export function upstreamPathOf(base: URL, path: string, search: string): string {
  const basePath = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname;
  const joined = `${basePath}${path}`;
  return `${joined === '' ? '/' : joined}${search}`;
}

/** The base URL of an instance, or undefined when it is not an `http:` or `https:` URL. */
export function upstreamBaseOf(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
