import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHardwareRuntime, isHardwareError } from '../../../src/hardware/index.ts';
import { ref, rejectsKind, startRuntime } from './helpers.ts';
import { line, text } from './instrumented-adapter.ts';

const devices = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `relay-${i}`, model: 'relay-board' as const }));

test('operations on one device run one at a time, in order', async () => {
  const { hw, probe } = await startRuntime({ devices: devices(1), latencyMs: 2 });
  const replies = await Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      hw.exchange(ref('relay-0'), line(`SET ${(i % 8) + 1} ${i % 2 ? 'OFF' : 'ON'}`)).then(text),
    ),
  );
  assert.ok(replies.every((reply) => reply === 'OK\n'));
  assert.is(probe.maxInFlight.get('relay-0'), 1, 'never two calls in flight on one device');
  assert.is(
    text(await hw.exchange(ref('relay-0'), line('STATE?'))),
    '10101010\n',
    'last write of each channel won',
  );
  await hw.stop();
});

test('different devices run in parallel: a slow device does not stall the others', async () => {
  const { hw, sim, probe } = await startRuntime(
    { devices: devices(5), latencyMs: 1 },
    { timeoutMs: 120_000 },
  );
  sim.setLatency('relay-0', 60_000);
  const slowCaller = new AbortController();
  const slow = hw.exchange(ref('relay-0'), line('GET 1'), {}, { signal: slowCaller.signal });
  let fastDone = 0;
  await Promise.all(
    [1, 2, 3, 4].flatMap((n) =>
      Array.from({ length: 5 }, () =>
        hw.exchange(ref(`relay-${n}`), line('GET 1')).then(() => {
          fastDone += 1;
        }),
      ),
    ),
  );
  assert.is(fastDone, 20, 'the fast devices finished while the slow one was still busy');
  assert.ok(
    probe.maxInFlightTotal() >= 2,
    `calls on different devices overlapped (${probe.maxInFlightTotal()})`,
  );
  slowCaller.abort();
  await rejectsKind(slow, 'CANCELLED', 'the slow call, given up by its caller');
  await hw.stop();
});

test('a full queue refuses at once with QUEUE_FULL and loses nothing already queued', async () => {
  const { hw, sim } = await startRuntime({ devices: devices(1), latencyMs: 50 }, { queueDepth: 3 });
  sim.setLatency('relay-0', 50);
  const admitted = Array.from({ length: 4 }, (_, i) => hw.exchange(ref('relay-0'), line(`SET ${i + 1} ON`)));
  const refused = hw.exchange(ref('relay-0'), line('SET 8 ON'));
  const error = await rejectsKind(refused, 'QUEUE_FULL', 'fifth operation');
  assert.match(error.message, /relay-0/);
  assert.equal((await Promise.all(admitted)).map(text), ['OK\n', 'OK\n', 'OK\n', 'OK\n']);
  assert.is(
    text(await hw.exchange(ref('relay-0'), line('STATE?'))),
    '11110000\n',
    'the refused write never ran',
  );
  await hw.stop();
});

test('a caller that gives up while queued is removed from the queue and never runs', async () => {
  const { hw, probe } = await startRuntime({ devices: devices(1), latencyMs: 100 });
  const first = hw.exchange(ref('relay-0'), line('GET 1'));
  const controller = new AbortController();
  const second = hw.write(ref('relay-0'), line('SET 1 ON'), {}, { signal: controller.signal });
  controller.abort();
  await rejectsKind(second, 'CANCELLED', 'queued write');
  await first;
  assert.is(probe.calls.get('relay-0:write'), 1, 'only the first operation reached the device');
  await hw.stop();
});

test('unknown adapters, a runtime not started and unavailable adapters are refused clearly', async () => {
  const { hw } = await startRuntime();
  await rejectsKind(hw.read({ adapter: 'nope', deviceId: 'x' }), 'INVALID_REQUEST', 'unknown adapter');
  await rejectsKind(hw.read(ref('no-such-device')), 'DEVICE_ABSENT', 'unknown device');
  await hw.stop();
  await rejectsKind(hw.read(ref('sim-th-1')), 'UNAVAILABLE', 'after stop');
  const idle = createHardwareRuntime({ adapters: [] });
  await rejectsKind(idle.discover('simulated'), 'INVALID_REQUEST', 'not configured');
});

test('bad runtime options are refused with the field named', () => {
  for (const [options, field] of [
    [{ queueDepth: -1 }, 'queueDepth'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ readRetries: 1.5 }, 'readRetries'],
    [{ failureThreshold: Number.NaN }, 'failureThreshold'],
  ] as const) {
    assert.throws(
      () => createHardwareRuntime({ adapters: [], ...options }),
      (error: unknown) => isHardwareError(error, 'INVALID_REQUEST') && error.message.includes(field),
    );
  }
});

test('stop refuses queued operations and ends the one in flight', async () => {
  const { hw } = await startRuntime({ devices: devices(1), latencyMs: 5000 });
  const running = hw.exchange(ref('relay-0'), line('GET 1'));
  const queued = hw.exchange(ref('relay-0'), line('GET 2'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  await hw.stop();
  await rejectsKind(running, 'UNAVAILABLE', 'in flight');
  await rejectsKind(queued, 'UNAVAILABLE', 'queued');
});

test.run();
