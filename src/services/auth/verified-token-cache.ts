/** Options of {@link createVerifiedTokenCache}. */
export interface VerifiedTokenCacheOptions {
  /** Most tokens kept; the least recently used go first. 0 keeps nothing. */
  maxEntries: number;
  /** Wall clock in milliseconds. */
  now: () => number;
}

/**
 * Verified access tokens by their exact text, so a hot token's signature is checked once.
 * An entry is dropped when its token expires, when it is the least recently used one over the
 * bound, or when its `jti` is forgotten (revocation).
 */
export interface VerifiedTokenCache<T> {
  /** The value stored for `token`, unless it expired or was dropped. */
  get(token: string): T | undefined;
  /** Keeps `value` for `token` until `expiresAt` (wall clock, ms); `jti` names it for {@link forget}. */
  set(token: string, jti: string, expiresAt: number, value: T): void;
  /** Drops every entry of the token with this `jti`. */
  forget(jti: string): void;
  readonly size: number;
}

interface Entry<T> {
  jti: string;
  expiresAt: number;
  value: T;
}

/** Creates a {@link VerifiedTokenCache}. A `Map` keeps insertion order, so re-inserting on use is the LRU list. */
export function createVerifiedTokenCache<T>(options: VerifiedTokenCacheOptions): VerifiedTokenCache<T> {
  const { maxEntries, now } = options;
  const entries = new Map<string, Entry<T>>();
  const tokensByJti = new Map<string, string>();

  const remove = (token: string, entry: Entry<T>) => {
    entries.delete(token);
    if (tokensByJti.get(entry.jti) === token) tokensByJti.delete(entry.jti);
  };

  return {
    get(token) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now()) {
        remove(token, entry);
        return undefined;
      }
      entries.delete(token);
      entries.set(token, entry);
      return entry.value;
    },
    set(token, jti, expiresAt, value) {
      if (maxEntries === 0 || expiresAt <= now()) return;
      const previous = entries.get(token);
      if (previous !== undefined) remove(token, previous);
      entries.set(token, { jti, expiresAt, value });
      tokensByJti.set(jti, token);
      for (const [oldest, entry] of entries) {
        if (entries.size <= maxEntries) break;
        remove(oldest, entry);
      }
    },
    forget(jti) {
      const token = tokensByJti.get(jti);
      if (token === undefined) return;
      const entry = entries.get(token);
      if (entry !== undefined) remove(token, entry);
      tokensByJti.delete(jti);
    },
    get size() {
      return entries.size;
    },
  };
}
