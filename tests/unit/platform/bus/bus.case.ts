/**
 * The bus contract: every Bus implementation must pass these. Each implementation's test file
 * calls {@link registerBusContract} with a factory.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Bus,
  defineTopic,
  defineTopicPattern,
  type HandlerErrorReporter,
  type MessageHandler,
} from '../../../../src/platform/bus/index.ts';

/** Makes a fresh bus, isolated from the others, for one test; `teardown` runs once after the suite. */
export interface BusFactory {
  create(options: { onHandlerError?: HandlerErrorReporter }): Bus | Promise<Bus>;
  teardown?(): Promise<void>;
}

/** Collects messages; `next(n)` resolves once n have arrived (rejects after 2 s). */
function collector<T>() {
  const received: { message: T; topic: string }[] = [];
  const waiters: (() => void)[] = [];
  const handler: MessageHandler<T> = (message, topic) => {
    received.push({ message, topic });
    for (const wake of waiters.splice(0)) wake();
  };
  const next = async (count: number) => {
    const deadline = performance.now() + 20_000;
    while (received.length < count) {
      if (performance.now() > deadline)
        throw new Error(`only ${received.length} of ${count} messages arrived`);
      await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), sleep(50)]);
    }
    return received;
  };
  return { received, handler, next };
}

interface DeviceEvent {
  device: string;
  readings: number[];
  note: string | null;
}

export function registerBusContract(name: string, factory: BusFactory): void {
  const test = suite(`bus contract: ${name}`);
  const buses: Bus[] = [];
  const create = async (options: { onHandlerError?: HandlerErrorReporter } = {}) => {
    const bus = await factory.create(options);
    buses.push(bus);
    return bus;
  };
  test.after.each(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });
  test.after(async () => {
    await factory.teardown?.();
  });

  test('a subscriber receives the typed messages published on its topic, as JSON carries them', async () => {
    const bus = await create();
    const topic = defineTopic<DeviceEvent>('devices.d1.events');
    const inbox = collector<DeviceEvent>();
    await bus.subscribe(topic, inbox.handler);
    const event = { device: 'd1', readings: [1.5, -2, 0], note: 'ü ✓' };
    await bus.publish(topic, event);
    const [first] = await inbox.next(1);
    assert.equal(first, { message: event, topic: 'devices.d1.events' });
  });

  test('handlers never run inside publish', async () => {
    const bus = await create();
    const topic = defineTopic<number>('sync-check');
    let publishing = false;
    let ranDuringPublish = false;
    const inbox = collector<number>();
    await bus.subscribe(topic, (message, topicName) => {
      ranDuringPublish ||= publishing;
      inbox.handler(message, topicName);
    });
    publishing = true;
    const done = bus.publish(topic, 1);
    publishing = false;
    await done;
    await inbox.next(1);
    assert.is(ranDuringPublish, false);
  });

  test('a handler that publishes is not re-entered', async () => {
    const bus = await create();
    const topic = defineTopic<number>('echo');
    let depth = 0;
    let deepest = 0;
    const inbox = collector<number>();
    await bus.subscribe(topic, async (count, topicName) => {
      depth++;
      deepest = Math.max(deepest, depth);
      // Depth is counted around the call itself: re-entry would be a nested call inside publish.
      const published = count < 5 ? bus.publish(topic, count + 1) : undefined;
      depth--;
      inbox.handler(count, topicName);
      await published;
    });
    await bus.publish(topic, 1);
    await inbox.next(5);
    assert.is(deepest, 1);
  });

  const patternCases: [pattern: string, matching: string[], other: string[]][] = [
    ['devices.*.events', ['devices.a.events', 'devices.a.b.events'], ['devices.a.state', 'devices.events']],
    ['jobs.?', ['jobs.1', 'jobs.x'], ['jobs.10', 'jobs.']],
    ['room.[ab]', ['room.a', 'room.b'], ['room.c']],
    ['room.[^a]', ['room.b'], ['room.a']],
    ['level.[0-2]', ['level.0', 'level.2'], ['level.3']],
    ['lit\\*', ['lit*'], ['literal']],
  ];
  for (const [pattern, matching, other] of patternCases) {
    test(`pattern "${pattern}" receives ${matching.join(', ')} and not ${other.join(', ')}`, async () => {
      const bus = await create();
      const inbox = collector<string>();
      await bus.subscribe(defineTopicPattern<string>(pattern), inbox.handler);
      for (const topic of [...other, ...matching]) await bus.publish(defineTopic<string>(topic), topic);
      // Publish order is delivery order, so once the last matching one is in, nothing else is coming.
      await inbox.next(matching.length);
      await sleep(20);
      assert.equal(
        inbox.received.map((entry) => entry.topic),
        matching,
      );
    });
  }

  test('a message on a topic matching a topic and a pattern subscription reaches each once', async () => {
    const bus = await create();
    const exact = collector<string>();
    const pattern = collector<string>();
    await bus.subscribe(defineTopic<string>('a.b'), exact.handler);
    await bus.subscribe(defineTopicPattern<string>('a.*'), pattern.handler);
    await bus.publish(defineTopic<string>('a.b'), 'hi');
    await exact.next(1);
    await pattern.next(1);
    await sleep(20);
    assert.is(exact.received.length, 1);
    assert.is(pattern.received.length, 1);
  });

  test('unsubscribe stops delivery to that handler only', async () => {
    const bus = await create();
    const topic = defineTopic<number>('t');
    const gone = collector<number>();
    const staying = collector<number>();
    const subscription = await bus.subscribe(topic, gone.handler);
    await bus.subscribe(topic, staying.handler);
    await bus.publish(topic, 1);
    await gone.next(1);
    await subscription.unsubscribe();
    await subscription.unsubscribe();
    await bus.publish(topic, 2);
    await staying.next(2);
    await sleep(20);
    assert.equal(
      gone.received.map((entry) => entry.message),
      [1],
    );
  });

  test('a failing handler is reported and does not stop the others', async () => {
    const failures: string[] = [];
    const bus = await create({
      onHandlerError: (error, topic) => failures.push(`${topic}: ${String(error)}`),
    });
    const topic = defineTopic<number>('t');
    const inbox = collector<number>();
    await bus.subscribe(topic, () => {
      throw new Error('sync boom');
    });
    await bus.subscribe(topic, async () => {
      throw new Error('async boom');
    });
    await bus.subscribe(topic, inbox.handler);
    await bus.publish(topic, 1);
    await bus.publish(topic, 2);
    await inbox.next(2);
    await sleep(20);
    assert.is(failures.length, 4);
    assert.ok(failures.every((failure) => failure.startsWith('t: Error: ')));
  });

  test('messages from one publisher arrive in publish order', async () => {
    const bus = await create();
    const topic = defineTopic<number>('ordered');
    const inbox = collector<number>();
    await bus.subscribe(topic, inbox.handler);
    const sent = Array.from({ length: 200 }, (_, i) => i);
    await Promise.all(sent.map((i) => bus.publish(topic, i)));
    await inbox.next(sent.length);
    assert.equal(
      inbox.received.map((entry) => entry.message),
      sent,
    );
  });

  test('a message JSON cannot carry is refused at publish with a TypeError', async () => {
    const bus = await create();
    for (const message of [undefined, 10n, () => 1]) {
      try {
        await bus.publish(defineTopic<unknown>('bad'), message);
        assert.unreachable(`accepted ${typeof message}`);
      } catch (error) {
        assert.instance(error, TypeError);
      }
    }
  });

  test('a closed bus refuses to publish and delivers nothing more', async () => {
    const bus = await create();
    const topic = defineTopic<number>('t');
    const inbox = collector<number>();
    await bus.subscribe(topic, inbox.handler);
    await bus.close();
    try {
      await bus.publish(topic, 1);
      assert.unreachable('published on a closed bus');
    } catch (error) {
      assert.instance(error, Error);
    }
    await sleep(30);
    assert.is(inbox.received.length, 0);
  });

  test.run();
}
