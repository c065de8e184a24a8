/** One stored value with its expiry (monotonic milliseconds; Infinity for none). */
export interface LruEntry {
  readonly value: Uint8Array;
  readonly expiresAt: number;
}

/** Bounds of an {@link LruStore}. */
export interface LruStoreBounds {
  maxEntries: number;
  maxBytes: number;
  /** Monotonic clock in milliseconds. */
  now: () => number;
}

/**
 * A map bounded by entry count and by bytes (key UTF-8 length + value length), evicting the
 * least recently used entries first; expired entries are dropped when touched and, being
 * untouched, drift to the front and go first.
 */
export interface LruStore {
  /** The live entry of `key`, marked as most recently used; an expired entry is removed. */
  get(key: string): LruEntry | undefined;
  /** Stores an entry; returns false (and stores nothing) when it alone exceeds `maxBytes`. */
  set(key: string, entry: LruEntry): boolean;
  delete(key: string): boolean;
  /** Live and not yet dropped entries. */
  readonly size: number;
  /** Bytes held by the entries counted in {@link size}. */
  readonly bytes: number;
}

/** Creates an {@link LruStore}. A `Map` keeps insertion order, so re-inserting on use is the LRU list. */
export function createLruStore(bounds: LruStoreBounds): LruStore {
  const entries = new Map<string, LruEntry & { size: number }>();
  let bytes = 0;

  const remove = (key: string): boolean => {
    const entry = entries.get(key);
    if (entry === undefined) return false;
    entries.delete(key);
    bytes -= entry.size;
    return true;
  };

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= bounds.now()) {
        remove(key);
        return undefined;
      }
      entries.delete(key);
      entries.set(key, entry);
      return entry;
    },
    set(key, entry) {
      const size = Buffer.byteLength(key, 'utf8') + entry.value.byteLength;
      remove(key);
      if (size > bounds.maxBytes) return false;
      entries.set(key, { ...entry, size });
      bytes += size;
      for (const oldest of entries.keys()) {
        if (entries.size <= bounds.maxEntries && bytes <= bounds.maxBytes) break;
        remove(oldest);
      }
      return true;
    },
    delete: remove,
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
