import {
  type Bus,
  encodeMessage,
  type HandlerErrorReporter,
  isTopicPattern,
  type Subscription,
  warnHandlerError,
} from './bus.ts';
import { createHandlerRegistry } from './handler-registry.ts';
import { compileTopicPattern, type TopicMatcher } from './topic-pattern.ts';

/** Options of {@link createMemoryBus}. */
export interface MemoryBusOptions {
  /** Where a handler's throw or rejection goes. Default {@link warnHandlerError}. */
  onHandlerError?: HandlerErrorReporter;
}

/** {@link MemoryBusOptions} with every default filled. */
export type ValidMemoryBusOptions = Required<MemoryBusOptions>;

/** Fills the defaults of {@link MemoryBusOptions}. */
export function validateMemoryBusOptions(options: MemoryBusOptions = {}): ValidMemoryBusOptions {
  return { onHandlerError: options.onHandlerError ?? warnHandlerError };
}

/**
 * Creates a bus within this process, with the delivery rules of the Redis bus: messages are
 * encoded as JSON at publish and decoded once per delivery; handlers run on a later turn of the
 * event loop (`setImmediate`), never inside `publish`, so a handler that publishes does not
 * recurse and a publisher never runs subscriber code on its own stack.
 */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const { onHandlerError } = validateMemoryBusOptions(options);
  const registry = createHandlerRegistry(onHandlerError);
  const matchers = new Map<string, TopicMatcher>();
  let queue: { topic: string; payload: string }[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let closed = false;

  const deliver = (topic: string, payload: string) => {
    const message: unknown = JSON.parse(payload);
    registry.deliver('topic', topic, message, topic);
    for (const [pattern, matches] of matchers) {
      if (matches(topic)) registry.deliver('pattern', pattern, message, topic);
    }
  };
  const drain = () => {
    scheduled = undefined;
    // Messages published by handlers during this batch wait for the next turn.
    const batch = queue;
    queue = [];
    for (const { topic, payload } of batch) deliver(topic, payload);
  };

  return {
    async publish(topic, message) {
      if (closed) throw new Error('bus is closed');
      queue.push({ topic: topic.name, payload: encodeMessage(message) });
      scheduled ??= setImmediate(drain);
    },
    async subscribe(target, handler) {
      if (closed) throw new Error('bus is closed');
      const kind = isTopicPattern(target) ? 'pattern' : 'topic';
      const key = isTopicPattern(target) ? target.pattern : target.name;
      const registration = registry.add(kind, key, handler as (message: unknown, topic: string) => void);
      if (kind === 'pattern' && registration.first) matchers.set(key, compileTopicPattern(key));
      const subscription: Subscription = {
        async unsubscribe() {
          if (registration.remove() && kind === 'pattern') matchers.delete(key);
        },
      };
      return subscription;
    },
    async close() {
      closed = true;
      if (scheduled !== undefined) clearImmediate(scheduled);
      scheduled = undefined;
      queue = [];
      registry.clear();
      matchers.clear();
    },
  };
}
