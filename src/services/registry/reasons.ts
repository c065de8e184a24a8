/** Reasons raised by the registry service. A client may branch on them; they never change. */
export const RegistryReason = {
  /** A `services/{service}` name or service segment is not an RFC 1123 label of 1 to 63 characters. */
  INVALID_SERVICE_NAME: 'INVALID_SERVICE_NAME',
  /** An instance name or id is not 1 to 128 characters of ASCII letters, digits, ".", "_" and "-". */
  INVALID_INSTANCE_NAME: 'INVALID_INSTANCE_NAME',
  /** An address has a bad host or a port outside 1 to 65535, or neither address is given. */
  INVALID_ADDRESS: 'INVALID_ADDRESS',
  /** A `lease_ttl` is outside the allowed range. */
  INVALID_LEASE_TTL: 'INVALID_LEASE_TTL',
  /** A tag, metadata entry, version, zone, node or health reason breaks its documented limits. */
  INVALID_INSTANCE_FIELD: 'INVALID_INSTANCE_FIELD',
  /** A health check has no target or an interval, timeout or threshold out of range. */
  INVALID_HEALTH_CHECK: 'INVALID_HEALTH_CHECK',
  /** A health state is UNSPECIFIED or unknown where one is required. */
  INVALID_HEALTH_STATE: 'INVALID_HEALTH_STATE',
  /** No instance has the requested name (it was deregistered, or removed after its lease expired). */
  INSTANCE_NOT_FOUND: 'INSTANCE_NOT_FOUND',
  /** No instance is registered under the requested service. */
  SERVICE_NOT_FOUND: 'SERVICE_NOT_FOUND',
  /** The instance id is registered by another principal; it or an admin must deregister it first. */
  INSTANCE_OWNED_BY_OTHER: 'INSTANCE_OWNED_BY_OTHER',
  /** The caller is neither the instance's owner nor an admin. */
  NOT_INSTANCE_OWNER: 'NOT_INSTANCE_OWNER',
  /** The `lease_id` is not the instance's current lease: a newer registration replaced it. */
  STALE_LEASE: 'STALE_LEASE',
  /** A `lease_id` is missing or not one this server issues. */
  INVALID_LEASE_ID: 'INVALID_LEASE_ID',
  /** A watch `resume_token` is not one this server issued. */
  INVALID_RESUME_TOKEN: 'INVALID_RESUME_TOKEN',
  /** A watch `resume_token` is older than the change history the server keeps; watch again without it. */
  RESUME_TOKEN_EXPIRED: 'RESUME_TOKEN_EXPIRED',
  /** A watcher fell too far behind the changes; it should resume from its last token. */
  WATCHER_TOO_SLOW: 'WATCHER_TOO_SLOW',
  /** A watch `progress_interval` is out of range. */
  INVALID_PROGRESS_INTERVAL: 'INVALID_PROGRESS_INTERVAL',
  /** A load-balancing policy this server does not know. */
  INVALID_LOAD_BALANCING_POLICY: 'INVALID_LOAD_BALANCING_POLICY',
} as const;

/** One of the registry service's reasons. */
export type RegistryReason = (typeof RegistryReason)[keyof typeof RegistryReason];
