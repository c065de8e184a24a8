import type { Redis } from 'ioredis';
import {
  type Bus,
  createHandlerRegistry,
  encodeMessage,
  escapeTopicPattern,
  type HandlerErrorReporter,
  isTopicPattern,
  type MessageHandler,
  type Subscription,
  warnHandlerError,
} from '../bus/index.ts';
import { fromRedisError } from './from-redis-error.ts';

/** Options of {@link createRedisBus}. */
export interface RedisBusOptions {
  /** The command connection, used to publish. Not closed by the bus. */
  publisher: Redis;
  /** A dedicated connection for SUBSCRIBE/PSUBSCRIBE, used for nothing else. Not closed by the bus. */
  subscriber: Redis;
  /** Prepended to every topic to make its channel name. Default `hcs:bus:`. */
  prefix?: string;
  /** Where a handler's throw, or an undecodable message, is reported. Default a process warning. */
  onHandlerError?: HandlerErrorReporter;
}

/** {@link RedisBusOptions} with every default filled. */
export type ValidRedisBusOptions = Required<RedisBusOptions>;

/** Fills the defaults of {@link RedisBusOptions}. */
export function validateRedisBusOptions(options: RedisBusOptions): ValidRedisBusOptions {
  return {
    ...options,
    prefix: options.prefix ?? 'hcs:bus:',
    onHandlerError: options.onHandlerError ?? warnHandlerError,
  };
}

/** A {@link Bus} over Redis pub/sub that can be told to restore its subscriptions. */
export interface RedisBus extends Bus {
  /**
   * Subscribes the subscriber connection to every topic and pattern that has a handler (repeating
   * a subscription is harmless). Done on every (re)connect of that connection; rejects if Redis
   * does not confirm, so the shared state can wait for it before switching back to Redis.
   */
  syncSubscriptions(): Promise<void>;
}

/**
 * Creates a bus over Redis pub/sub: PUBLISH on the command connection, SUBSCRIBE/PSUBSCRIBE on a
 * dedicated one. Subscriptions are kept here and restored whenever the subscriber connection
 * becomes ready, so they survive Redis restarts; messages published meanwhile are lost
 * (at-most-once, see {@link Bus}). A subscription made while Redis is away resolves at once and
 * takes effect when it is back.
 */
export function createRedisBus(options: RedisBusOptions): RedisBus {
  const { publisher, subscriber, prefix, onHandlerError } = validateRedisBusOptions(options);
  const registry = createHandlerRegistry(onHandlerError);
  const patternPrefix = escapeTopicPattern(prefix);
  let closed = false;

  const decodeAndDeliver = (kind: 'topic' | 'pattern', target: string, topic: string, payload: Buffer) => {
    let message: unknown;
    try {
      message = JSON.parse(payload.toString('utf8'));
    } catch (error) {
      onHandlerError(error, topic);
      return;
    }
    registry.deliver(kind, target, message, topic);
  };
  const onMessage = (channel: Buffer, payload: Buffer) => {
    const topic = channel.toString('utf8').slice(prefix.length);
    decodeAndDeliver('topic', topic, topic, payload);
  };
  const onPatternMessage = (pattern: Buffer, channel: Buffer, payload: Buffer) => {
    const target = pattern.toString('utf8').slice(patternPrefix.length);
    decodeAndDeliver('pattern', target, channel.toString('utf8').slice(prefix.length), payload);
  };
  const channelsOf = (kind: 'topic' | 'pattern') =>
    registry.targets(kind).map((target) => (kind === 'topic' ? prefix + target : patternPrefix + target));

  const syncSubscriptions = async () => {
    const channels = channelsOf('topic');
    const patterns = channelsOf('pattern');
    if (channels.length > 0) await subscriber.subscribe(...channels).catch(rethrow);
    if (patterns.length > 0) await subscriber.psubscribe(...patterns).catch(rethrow);
  };
  const onReady = () => {
    // Failures here are retried on the next reconnect or by the shared state's probe.
    syncSubscriptions().catch(() => undefined);
  };
  subscriber.on('messageBuffer', onMessage);
  subscriber.on('pmessageBuffer', onPatternMessage);
  subscriber.on('ready', onReady);

  return {
    async publish(topic, message) {
      if (closed) throw new Error('bus is closed');
      await publisher.publish(prefix + topic.name, encodeMessage(message)).catch(rethrow);
    },
    async subscribe<T>(target: Parameters<Bus['subscribe']>[0], handler: MessageHandler<T>) {
      if (closed) throw new Error('bus is closed');
      const kind = isTopicPattern(target) ? 'pattern' : 'topic';
      const key = isTopicPattern(target) ? target.pattern : target.name;
      const channel = kind === 'topic' ? prefix + key : patternPrefix + key;
      const registration = registry.add(kind, key, handler as MessageHandler<unknown>);
      if (registration.first && subscriber.status === 'ready') {
        // While Redis is away this fails at once; the subscription is kept and made on reconnect.
        await (kind === 'topic' ? subscriber.subscribe(channel) : subscriber.psubscribe(channel)).catch(
          () => undefined,
        );
      }
      const subscription: Subscription = {
        async unsubscribe() {
          if (!registration.remove() || subscriber.status !== 'ready') return;
          await (kind === 'topic' ? subscriber.unsubscribe(channel) : subscriber.punsubscribe(channel)).catch(
            () => undefined,
          );
        },
      };
      return subscription;
    },
    async close() {
      if (closed) return;
      closed = true;
      subscriber.off('messageBuffer', onMessage);
      subscriber.off('pmessageBuffer', onPatternMessage);
      subscriber.off('ready', onReady);
      const channels = channelsOf('topic');
      const patterns = channelsOf('pattern');
      registry.clear();
      if (subscriber.status !== 'ready') return;
      if (channels.length > 0) await subscriber.unsubscribe(...channels).catch(() => undefined);
      if (patterns.length > 0) await subscriber.punsubscribe(...patterns).catch(() => undefined);
    },
    syncSubscriptions,
  };
}

function rethrow(error: unknown): never {
  throw fromRedisError(error);
}
