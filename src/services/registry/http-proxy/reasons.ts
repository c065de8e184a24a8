/**
 * Error reasons of the registry's HTTP proxy, beside the platform's `BAD_GATEWAY` (502, the
 * instance failed: the cause is in the metadata as `cause`, one of {@link ProxyFailureCause}).
 */
export const ProxyReason = {
  /** The `{service}` segment is missing or not a service name. 400. */
  PROXY_SERVICE_INVALID: 'PROXY_SERVICE_INVALID',
  /** The proxied path holds an encoded slash or backslash, a NUL or a dot segment. 400. */
  PROXY_PATH_INVALID: 'PROXY_PATH_INVALID',
  /** The service has no healthy HTTP instance, or every one is ejected for failing. 503. */
  NO_HEALTHY_INSTANCE: 'NO_HEALTHY_INSTANCE',
  /** The instance did not accept a connection, or did not answer, in time. 504. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
} as const;

/** Why an attempt to forward to one instance failed. */
export type ProxyFailureCause =
  /** Refused, reset or unreachable before the request was sent. */
  | 'connect_failed'
  /** No connection within `HCS_PROXY_CONNECT_TIMEOUT_MS`. */
  | 'connect_timeout'
  /** The instance's address is outside `HCS_PROXY_ALLOWED_NETWORKS`; nothing was sent. */
  | 'address_not_allowed'
  /** No response headers within `HCS_PROXY_RESPONSE_TIMEOUT_MS` of sending the request. */
  | 'response_timeout'
  /** The connection broke after the request was (partly) sent, before the response headers. */
  | 'upstream_failed';
