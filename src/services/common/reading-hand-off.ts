/** One numeric device reading as the device service hands it on. */
export interface NumericReading {
  /** The device's id (`devices/{device}` without the prefix). */
  readonly device: string;
  /** The profile resource it was read from, e.g. `temperature`. */
  readonly resource: string;
  /** The resource's unit from the profile; may be empty. */
  readonly unit: string;
  /** Milliseconds since the Unix epoch. */
  readonly time: number;
  /** A finite number. */
  readonly value: number;
}

/** Receives a batch of readings; the next batch waits until the returned promise settles. */
export type ReadingConsumer = (readings: NumericReading[]) => Promise<void>;

/** Options of {@link createReadingHandOff}. */
export interface ReadingHandOffOptions {
  /** Most readings waiting for the consumer; past it the oldest are dropped. Default 100,000. */
  capacity?: number;
  /**
   * How long readings gather before a batch goes to the consumer, ms. Default
   * {@link DEFAULT_GATHER_MS}; 0 delivers on the next turn of the event loop.
   */
  gatherMs?: number;
}

/**
 * Readings gather this long before they are recorded: a device answering hundreds of commands a
 * second then costs analytics one transaction and one chunk per series per interval instead of
 * one per turn of the event loop (each a stored chunk of one or two samples to merge later).
 * Readings reach analytics up to this much later, and a process killed outright loses at most
 * this much more of them; a graceful stop delivers what has gathered.
 */
export const DEFAULT_GATHER_MS = 200;

/**
 * Numeric device readings passed from the device service to whoever records them (analytics),
 * inside one process: services never import each other, so the composition root makes one and
 * gives it to both.
 *
 * In process on purpose: a reading is recorded by the replica that took it (the one polling the
 * device or running the command), never broadcast, so replicas sharing Redis do not record it
 * twice, and a replica that stops loses at most what was still queued.
 *
 * `offer` never waits and never throws, so polling and commands are not slowed by recording:
 * readings queue in memory (bounded; when full, the oldest are dropped and counted) and reach the
 * consumer in batches, one batch at a time, once they have gathered for `gatherMs`. Without a
 * consumer, offered readings are ignored.
 */
export interface ReadingHandOff {
  offer(readings: readonly NumericReading[]): void;
  /** Makes `consumer` the one receiver; returns a function that detaches it. */
  consume(consumer: ReadingConsumer): () => void;
  /** Readings waiting, and dropped so far because the queue was full. */
  stats(): { queued: number; dropped: number };
  /**
   * Delivers what is gathering now, without waiting out the interval, and resolves once every
   * reading offered so far has been given to the consumer and it settled.
   */
  drain(): Promise<void>;
}

/** Creates an empty hand-off. */
export function createReadingHandOff(options: ReadingHandOffOptions = {}): ReadingHandOff {
  const capacity = options.capacity ?? 100_000;
  const gatherMs = options.gatherMs ?? DEFAULT_GATHER_MS;
  let queue: NumericReading[] = [];
  let dropped = 0;
  let consumer: ReadingConsumer | undefined;
  let running: Promise<void> | undefined;
  /** Ends the current gathering early (drain). */
  let stopGathering: (() => void) | undefined;

  /** Waits `gatherMs` (at least until a later turn, so the offering call finishes first). */
  function gather(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = gatherMs > 0 ? setTimeout(done, gatherMs) : undefined;
      const immediate = gatherMs > 0 ? undefined : setImmediate(done);
      function done() {
        clearTimeout(timer);
        if (immediate !== undefined) clearImmediate(immediate);
        stopGathering = undefined;
        resolve();
      }
      stopGathering = done;
    });
  }

  /** One batch: what gathered meanwhile; the next batch gathers after it settles. */
  async function deliver(): Promise<void> {
    await gather();
    if (queue.length === 0 || consumer === undefined) return;
    const batch = queue;
    queue = [];
    // The consumer reports its own failures; one that throws loses its batch, not the next.
    await consumer(batch).catch(() => undefined);
  }

  function kick(): void {
    if (running !== undefined || consumer === undefined || queue.length === 0) return;
    running = deliver().finally(() => {
      running = undefined;
      kick();
    });
  }

  return {
    offer(readings) {
      if (consumer === undefined || readings.length === 0) return;
      for (const reading of readings) queue.push(reading);
      if (queue.length > capacity) {
        const excess = queue.length - capacity;
        queue.splice(0, excess);
        dropped += excess;
      }
      kick();
    },
    consume(next) {
      consumer = next;
      kick();
      return () => {
        if (consumer === next) consumer = undefined;
      };
    },
    stats: () => ({ queued: queue.length, dropped }),
    async drain() {
      stopGathering?.();
      while (running !== undefined) {
        await running;
        stopGathering?.();
      }
    },
  };
}
