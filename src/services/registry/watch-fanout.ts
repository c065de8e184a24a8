import type { ChangeEvent, RegistryView } from './registry-view.ts';
import { selects, type WatchFilter, watchFilterKey } from './watch-filter.ts';

/** Receives each change its filter selects, synchronously, as the view applies it. */
export type WatchListener = (event: ChangeEvent) => void;

/**
 * The watchers of one replica, grouped by filter: the view calls the fan-out once per change,
 * each distinct filter is tested once, and every watcher of a selecting group gets the same
 * event object in the same turn (so a transport can encode its message once for all of them).
 */
export interface WatchFanout {
  /** Adds a watcher; returns its removal. */
  subscribe(filter: WatchFilter, listener: WatchListener): () => void;
  /** How many watchers are subscribed now. */
  watcherCount(): number;
}

interface FilterGroup {
  filter: WatchFilter;
  listeners: Set<WatchListener>;
}

/** Creates the fan-out; it holds one view subscription while it has watchers. */
export function createWatchFanout(view: RegistryView): WatchFanout {
  const groups = new Map<string, FilterGroup>();
  let watchers = 0;
  let unsubscribeView: (() => void) | undefined;

  function deliver(event: ChangeEvent): void {
    for (const group of groups.values()) {
      if (!selects(group.filter, event.instance, event.previous)) continue;
      for (const listener of group.listeners) listener(event);
    }
  }

  return {
    subscribe(filter, listener) {
      const key = watchFilterKey(filter);
      let group = groups.get(key);
      if (group === undefined) {
        group = { filter, listeners: new Set() };
        groups.set(key, group);
      }
      // A listener added twice would be called once but removed twice: wrap it to keep it distinct.
      const own: WatchListener = (event) => listener(event);
      group.listeners.add(own);
      watchers++;
      unsubscribeView ??= view.subscribe(deliver);
      const joined = group;
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        joined.listeners.delete(own);
        watchers--;
        if (joined.listeners.size === 0) groups.delete(key);
        if (watchers === 0) {
          unsubscribeView?.();
          unsubscribeView = undefined;
        }
      };
    },
    watcherCount: () => watchers,
  };
}
