/**
 * A named topic whose messages are `T`. The type exists only at compile time (`__message` is
 * never set); publishers and subscribers share one `defineTopic` so they agree on it.
 */
export interface Topic<T> {
  readonly name: string;
  readonly __message?: T;
}

/**
 * A glob over topic names with Redis `PSUBSCRIBE` semantics: `*` any run of characters (dots
 * included), `?` one character, `[abc]`/`[a-z]`/`[^a]` a class, `\` escapes the next one.
 */
export interface TopicPattern<T> {
  readonly pattern: string;
  readonly __message?: T;
}

/** Declares a topic carrying `T`, e.g. `defineTopic<DeviceEvent>(\`devices.${id}.events\`)`. */
export function defineTopic<T>(name: string): Topic<T> {
  return { name };
}

/** Declares a topic pattern whose topics all carry `T`, e.g. `defineTopicPattern<DeviceEvent>('devices.*.events')`. */
export function defineTopicPattern<T>(pattern: string): TopicPattern<T> {
  return { pattern };
}

/** Whether a subscription target is a pattern rather than one topic. */
export function isTopicPattern<T>(target: Topic<T> | TopicPattern<T>): target is TopicPattern<T> {
  return 'pattern' in target;
}

/**
 * Receives one message and the topic it was published on. Called at most once per message and
 * subscription, never inside `publish`. A throw or rejection is reported to the bus's
 * `onHandlerError` and affects no other handler. Handlers in one process share the decoded
 * message object: treat it as read-only.
 */
export type MessageHandler<T> = (message: T, topic: string) => void | Promise<void>;

/** An active subscription. */
export interface Subscription {
  /** Stops delivery to this handler; calling it again does nothing. */
  unsubscribe(): Promise<void>;
}

/**
 * Publish/subscribe between the parts of hcs: in process memory ({@link createMemoryBus}) or
 * across replicas through Redis pub/sub (in `platform/redis`), with one contract suite for both.
 *
 * Delivery is **at-most-once** and unordered across publishers: a message reaches the
 * subscriptions that exist when it is delivered; one published while a subscriber is
 * disconnected is lost, never replayed, and nothing is acknowledged or retried. Messages from one
 * publisher to one subscriber arrive in publish order. Use the bus for notifications (something
 * changed, go and look), not as the record of what happened.
 *
 * Messages travel as JSON on both backends, so a subscriber gets what `JSON.stringify` keeps.
 */
export interface Bus {
  /**
   * Sends `message` to every current subscriber of the topic, in this process and (on Redis) in
   * the others. Resolves once the message is handed over, before any handler runs; rejects with
   * a TypeError when the message cannot be encoded as JSON.
   */
  publish<T>(topic: Topic<T>, message: T): Promise<void>;
  /**
   * Calls `handler` for each message on a topic, or on every topic matching a pattern. A message
   * on a topic matching several subscriptions reaches each of them once. Resolves when the
   * subscription is in place (on Redis: confirmed by the server, or, while Redis is away,
   * recorded and made when it is back).
   */
  subscribe<T>(target: Topic<T> | TopicPattern<T>, handler: MessageHandler<T>): Promise<Subscription>;
  /** Ends every subscription and releases the bus's resources; publish afterwards rejects. */
  close(): Promise<void>;
}

/** Reports a handler's failure; the default writes a process warning. */
export type HandlerErrorReporter = (error: unknown, topic: string) => void;

/** The default {@link HandlerErrorReporter}: a process warning, so a failing handler is seen but does not crash. */
export const warnHandlerError: HandlerErrorReporter = (error, topic) => {
  process.emitWarning(`bus handler for "${topic}" failed: ${String(error)}`, { type: 'BusHandlerWarning' });
};

/** Encodes a message as JSON text, rejecting what JSON cannot carry at all. */
export function encodeMessage(message: unknown): string {
  const text = JSON.stringify(message);
  if (text === undefined) throw new TypeError('bus message has no JSON representation');
  return text;
}
