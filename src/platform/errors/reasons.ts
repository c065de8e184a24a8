/**
 * Reasons raised by the platform and the transports themselves. Each service keeps its own
 * reasons in its `errors.ts`; these are the ones that belong to no service.
 */
export const PlatformReason = {
  /** The request message could not be decoded, or a field failed validation. */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** The method exists in the contract but this build does not implement it yet. */
  METHOD_NOT_IMPLEMENTED: 'METHOD_NOT_IMPLEMENTED',
  /** The caller's deadline passed before the call finished. */
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** The caller cancelled the call, or went away. */
  CANCELLED: 'CANCELLED',
  /** The server is draining for shutdown and accepts no new calls. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** No usable credentials were presented for a method that needs them. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller is known but its roles or scopes do not satisfy the method's policy. */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /**
   * A route that forwards to another server (the registry's HTTP proxy) got no usable answer
   * from it: the connection failed or the server died before answering. HTTP 502; gRPC code
   * UNAVAILABLE. The cause is in the error's metadata.
   */
  BAD_GATEWAY: 'BAD_GATEWAY',
  /** An error nobody translated: a bug. The client sees a generic message. */
  INTERNAL: 'INTERNAL',
} as const;
