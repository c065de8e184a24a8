import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HardwareError, Reading } from '../../../src/hardware/index.ts';
import { ref, startRuntime } from './helpers.ts';
import { eventually, line, text } from './instrumented-adapter.ts';

const bench = [
  { id: 'relay-0', model: 'relay-board' as const },
  { id: 'th-0', model: 'thermo-hygrometer' as const, sensor: { dropoutRate: 0 } },
];
/** The relay board's `STATE?` as a number: channel 1 is the most significant bit. */
const decodeState = (bytes: Uint8Array) => Number.parseInt(text(bytes).trim(), 2);

test('interval polling reports every sample, transformed', async () => {
  const { hw } = await startRuntime({ devices: bench });
  const readings: Reading[] = [];
  const poll = hw.poll({
    device: ref('th-0'),
    intervalMs: 5,
    query: line('T?'),
    decode: (bytes) => Number(text(bytes)),
    transform: { scale: 1.8, offset: 32 }, // °C → °F
    onReading: (reading) => readings.push(reading),
  });
  await eventually(() => readings.length >= 5, 'five readings');
  poll.stop();
  assert.ok(
    readings.every((r) => r.value > 65 && r.value < 75),
    readings.map((r) => r.value).join(),
  );
  await hw.stop();
});

test('on-change polling reports the first value, then only changes', async () => {
  const { hw } = await startRuntime({ devices: bench });
  const values: number[] = [];
  let samples = 0;
  const poll = hw.poll({
    device: ref('relay-0'),
    intervalMs: 2,
    mode: 'on-change',
    query: line('STATE?'),
    decode: (bytes) => {
      samples += 1;
      return decodeState(bytes);
    },
    onReading: (reading) => values.push(reading.value),
  });
  await eventually(() => samples >= 5, 'several unchanged samples');
  assert.equal(values, [0], 'unchanged samples are not reported');
  await hw.exchange(ref('relay-0'), line('SET 1 ON'));
  await eventually(() => values.length === 2, 'the change');
  await hw.exchange(ref('relay-0'), line('SET 8 ON'));
  await eventually(() => values.length === 3, 'the second change');
  const after = samples;
  await eventually(() => samples >= after + 5, 'more unchanged samples');
  poll.stop();
  assert.equal(values, [0, 0b10000000, 0b10000001]);
  await hw.stop();
});

test('on-change with a deadband ignores small moves', async () => {
  const { hw } = await startRuntime({ devices: bench });
  const values: number[] = [];
  const poll = hw.poll({
    device: ref('relay-0'),
    intervalMs: 2,
    mode: 'on-change',
    deadband: 10,
    query: line('STATE?'),
    decode: decodeState,
    onReading: (reading) => values.push(reading.value),
  });
  await eventually(() => values.length === 1, 'the first value');
  await hw.exchange(ref('relay-0'), line('SET 8 ON')); // 0 → 1: within the deadband
  await hw.exchange(ref('relay-0'), line('SET 1 ON')); // → 129: beyond it
  await eventually(() => values.length === 2, 'the large change');
  poll.stop();
  assert.equal(values, [0, 129]);
  await hw.stop();
});

test('polling reports range, NaN and decode failures as errors and goes on', async () => {
  const { hw } = await startRuntime({ devices: bench });
  const errors: HardwareError[] = [];
  let readings = 0;
  let calls = 0;
  const poll = hw.poll({
    device: ref('relay-0'),
    intervalMs: 2,
    query: line('STATE?'),
    decode: () => {
      calls += 1;
      if (calls === 1) return Number.NaN;
      if (calls === 2) throw new Error('garbled');
      if (calls === 3) return 1000;
      return 1;
    },
    transform: { max: 100 },
    onReading: () => {
      readings += 1;
    },
    onError: (error) => errors.push(error),
  });
  await eventually(() => readings >= 2, 'readings after the bad ones');
  poll.stop();
  assert.equal(
    errors.map((error) => error.kind),
    ['INVALID_VALUE', 'INVALID_VALUE', 'OUT_OF_RANGE'],
  );
  await hw.stop();
});

test('a stopped poll takes no more samples', async () => {
  const { hw, probe } = await startRuntime({ devices: bench });
  let count = 0;
  const poll = hw.poll({
    device: ref('relay-0'),
    intervalMs: 1,
    query: line('STATE?'),
    decode: decodeState,
    onReading: () => {
      count += 1;
    },
  });
  await eventually(() => count >= 3, 'a few samples');
  poll.stop();
  await new Promise((resolve) => setTimeout(resolve, 30));
  const writes = probe.calls.get('relay-0:write');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(probe.calls.get('relay-0:write'), writes);
  await hw.stop();
});

test.run();
