/** Options of {@link createVerifiedTokenCache}. */
export interface VerifiedTokenCacheOptions {
  /** Most tokens kept; tokens not used since they were stored or last spared go first. 0 keeps nothing. */
  maxEntries: number;
  /** Wall clock in milliseconds. */
  now: () => number;
}

/**
 * Verified access tokens, matched by their exact text, so a hot token's signature is checked
 * once. An entry is dropped when its token expires, when it is the least recently used one over
 * the bound, or when its `jti` is forgotten (revocation).
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
  /** The whole token: a hit needs the presented text to equal it. */
  token: string;
  jti: string;
  expiresAt: number;
  value: T;
  /** Read since it was stored or last spared by eviction. */
  used: boolean;
}

/** How many characters at the end of a token name its entry. */
const KEY_LENGTH = 32;

/**
 * The map key of a token: its last {@link KEY_LENGTH} characters. A signed token ends with its
 * signature, so valid tokens differ there. V8 hashes a string key character by character, and
 * every call brings a new string: hashing a whole ~300-character token cost ~0.5 µs a lookup on
 * the development host, most of what the cache cost a call; a short key and one string comparison
 * cost a tenth of that. Two tokens sharing a key are still told apart by their whole text (the
 * newer one replaces the older), and only verified tokens are ever stored.
 */
function keyOf(token: string): string {
  return token.length > KEY_LENGTH ? token.slice(-KEY_LENGTH) : token;
}

/**
 * Creates a {@link VerifiedTokenCache}. Eviction is "second chance" (CLOCK), an approximation of
 * least-recently-used: a hit only marks its entry, and eviction walks the `Map` in insertion
 * order, moving marked entries to the back unmarked and dropping the first unmarked one. A hit
 * is then one lookup, where exact LRU re-inserted the entry on every call.
 */
export function createVerifiedTokenCache<T>(options: VerifiedTokenCacheOptions): VerifiedTokenCache<T> {
  const { maxEntries, now } = options;
  const entries = new Map<string, Entry<T>>();
  const tokensByJti = new Map<string, string>();

  const remove = (key: string, entry: Entry<T>) => {
    entries.delete(key);
    if (tokensByJti.get(entry.jti) === entry.token) tokensByJti.delete(entry.jti);
  };

  return {
    get(token) {
      const key = keyOf(token);
      const entry = entries.get(key);
      if (entry === undefined || entry.token !== token) return undefined;
      if (entry.expiresAt <= now()) {
        remove(key, entry);
        return undefined;
      }
      entry.used = true;
      return entry.value;
    },
    set(token, jti, expiresAt, value) {
      if (maxEntries === 0 || expiresAt <= now()) return;
      const key = keyOf(token);
      const previous = entries.get(key);
      if (previous !== undefined) remove(key, previous);
      // Room is made before the new entry goes in, so it is never the one evicted. Each marked
      // entry is spared once, so this ends within two passes.
      for (const [oldest, entry] of entries) {
        if (entries.size < maxEntries) break;
        if (entry.used) {
          entry.used = false;
          entries.delete(oldest);
          entries.set(oldest, entry);
        } else {
          remove(oldest, entry);
        }
      }
      entries.set(key, { token, jti, expiresAt, value, used: false });
      tokensByJti.set(jti, token);
    },
    forget(jti) {
      const token = tokensByJti.get(jti);
      if (token === undefined) return;
      const key = keyOf(token);
      const entry = entries.get(key);
      if (entry !== undefined && entry.token === token) remove(key, entry);
      tokensByJti.delete(jti);
    },
    get size() {
      return entries.size;
    },
  };
}
