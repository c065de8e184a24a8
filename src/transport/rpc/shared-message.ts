/**
 * Messages sent unchanged on many streams (one registry change to a thousand watchers), with
 * their wire bytes once encoded. Keyed by the message object itself, so an entry lives exactly
 * as long as the message.
 */
const encodings = new WeakMap<object, Buffer | undefined>();

/**
 * Marks `message` as sent unchanged on many streams: the transports encode it once and write
 * the same bytes to every stream. The caller must not change it afterwards (it is frozen).
 */
export function shareMessage<T extends object>(message: T): T {
  encodings.set(Object.freeze(message), undefined);
  return message;
}

/** The bytes of `message`: encoded by `serialize` once for a shared message, every time otherwise. */
export function encodeMessage(message: unknown, serialize: (message: unknown) => Buffer): Buffer {
  if (typeof message !== 'object' || message === null || !encodings.has(message)) return serialize(message);
  let bytes = encodings.get(message);
  if (bytes === undefined) {
    bytes = serialize(message);
    encodings.set(message, bytes);
  }
  return bytes;
}
