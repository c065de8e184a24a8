import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryBus, defineTopic } from '../../../../src/platform/bus/index.ts';
import { registerBusContract } from './bus.case.ts';

registerBusContract('memory', { create: (options) => createMemoryBus(options) });

test('delivery waits for a later turn of the event loop, not just a microtask', async () => {
  const bus = createMemoryBus();
  const topic = defineTopic<number>('t');
  let received = false;
  await bus.subscribe(topic, () => {
    received = true;
  });
  await bus.publish(topic, 1);
  await Promise.resolve();
  assert.is(received, false);
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(received, true);
  await bus.close();
});

test.run();
