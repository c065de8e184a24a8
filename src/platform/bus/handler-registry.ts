import type { HandlerErrorReporter, MessageHandler } from './bus.ts';

/** Whether a registration is for one topic or a pattern. */
export type TargetKind = 'topic' | 'pattern';

/** What {@link HandlerRegistry.add} tells the caller. */
export interface Registration {
  /** Whether this is the first handler for its target (a backend must start listening). */
  readonly first: boolean;
  /** Removes the handler; returns whether it was the last one (a backend may stop listening). Idempotent. */
  remove(): boolean;
}

/**
 * The handlers of a bus, by topic and by pattern, shared by both bus backends so that they count
 * and deliver alike. The same handler function subscribed twice is two registrations.
 */
export interface HandlerRegistry {
  add(kind: TargetKind, target: string, handler: MessageHandler<unknown>): Registration;
  /** The topics or patterns that have at least one handler. */
  targets(kind: TargetKind): string[];
  /** Calls every handler of a target with one message; failures go to the reporter. */
  deliver(kind: TargetKind, target: string, message: unknown, topic: string): void;
  clear(): void;
}

/** Creates an empty {@link HandlerRegistry}. */
export function createHandlerRegistry(onHandlerError: HandlerErrorReporter): HandlerRegistry {
  const maps: Record<TargetKind, Map<string, Set<{ handler: MessageHandler<unknown> }>>> = {
    topic: new Map(),
    pattern: new Map(),
  };
  return {
    add(kind, target, handler) {
      const map = maps[kind];
      let set = map.get(target);
      const first = set === undefined;
      if (set === undefined) {
        set = new Set();
        map.set(target, set);
      }
      // A wrapper object, so one function subscribed twice is two entries.
      const entry = { handler };
      set.add(entry);
      let removed = false;
      return {
        first,
        remove() {
          if (removed) return false;
          removed = true;
          const current = map.get(target);
          if (current === undefined || !current.delete(entry)) return false;
          if (current.size > 0) return false;
          map.delete(target);
          return true;
        },
      };
    },
    targets(kind) {
      return [...maps[kind].keys()];
    },
    deliver(kind, target, message, topic) {
      const set = maps[kind].get(target);
      if (set === undefined) return;
      for (const { handler } of [...set]) {
        try {
          const result = handler(message, topic);
          if (result instanceof Promise) result.catch((error: unknown) => onHandlerError(error, topic));
        } catch (error) {
          onHandlerError(error, topic);
        }
      }
    },
    clear() {
      maps.topic.clear();
      maps.pattern.clear();
    },
  };
}
