import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReadingHandOff, type NumericReading } from '../../../../src/services/common/index.ts';

const reading = (value: number): NumericReading => ({
  device: 'th-1',
  resource: 'temperature',
  unit: 'Cel',
  time: 1_700_000_000_000 + value,
  value,
});

test('offer returns before the consumer runs; readings arrive in order, in batches', async () => {
  const handOff = createReadingHandOff({ gatherMs: 0 });
  const batches: number[][] = [];
  handOff.consume(async (readings) => {
    batches.push(readings.map((r) => r.value));
  });
  handOff.offer([reading(1), reading(2)]);
  handOff.offer([reading(3)]);
  assert.equal(batches, [], 'nothing delivered inside offer');
  await handOff.drain();
  assert.equal(batches, [[1, 2, 3]]);
});

test('a full queue drops the oldest readings and counts them', async () => {
  const handOff = createReadingHandOff({ capacity: 3, gatherMs: 0 });
  const seen: number[] = [];
  let release: () => void = () => {};
  const blocked = new Promise<void>((resolve) => {
    release = resolve;
  });
  handOff.consume(async (readings) => {
    seen.push(...readings.map((r) => r.value));
    await blocked;
  });
  handOff.offer([reading(1)]);
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  // The consumer holds reading 1; five more arrive while it is busy, with room for three.
  handOff.offer([2, 3, 4, 5, 6].map(reading));
  assert.equal(handOff.stats(), { queued: 3, dropped: 2 });
  release();
  await handOff.drain();
  assert.equal(seen, [1, 4, 5, 6]);
  assert.equal(handOff.stats(), { queued: 0, dropped: 2 });
});

test('a consumer that fails loses its batch only; without a consumer nothing is kept', async () => {
  const handOff = createReadingHandOff({ gatherMs: 0 });
  handOff.offer([reading(0)]);
  assert.equal(handOff.stats(), { queued: 0, dropped: 0 });
  const seen: number[] = [];
  const detach = handOff.consume(async (readings) => {
    if (readings[0]?.value === 1) throw new Error('database away');
    seen.push(...readings.map((r) => r.value));
  });
  handOff.offer([reading(1)]);
  await handOff.drain();
  handOff.offer([reading(2)]);
  await handOff.drain();
  assert.equal(seen, [2]);
  detach();
  handOff.offer([reading(3)]);
  await handOff.drain();
  assert.equal(seen, [2]);
});

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

test('readings gather for gatherMs and go to the consumer as one batch', async () => {
  const handOff = createReadingHandOff({ gatherMs: 300 });
  let delivered: (batch: { values: number[]; at: number }) => void = () => {};
  const batch = new Promise<{ values: number[]; at: number }>((resolve) => {
    delivered = resolve;
  });
  handOff.consume(async (readings) =>
    delivered({ values: readings.map((r) => r.value), at: performance.now() }),
  );
  const start = performance.now();
  handOff.offer([reading(1)]);
  await turns(3);
  handOff.offer([reading(2)]);
  handOff.offer([reading(3)]);
  const first = await batch;
  assert.equal(first.values, [1, 2, 3]);
  assert.ok(first.at - start >= 295, `delivered after ${first.at - start} ms, before the interval`);
});

test('drain delivers what is gathering without waiting out the interval', async () => {
  const handOff = createReadingHandOff({ gatherMs: 60_000 });
  const seen: number[] = [];
  handOff.consume(async (readings) => {
    seen.push(...readings.map((r) => r.value));
  });
  handOff.offer([reading(4)]);
  await turns(3);
  assert.equal(seen, [], 'still gathering');
  const start = performance.now();
  await handOff.drain();
  assert.equal(seen, [4]);
  assert.ok(performance.now() - start < 30_000, 'drain did not wait for the interval');
});

test('readings offered while a batch is being recorded gather into the next one', async () => {
  const handOff = createReadingHandOff({ gatherMs: 30 });
  const batches: number[][] = [];
  let release: () => void = () => {};
  const blocked = new Promise<void>((resolve) => {
    release = resolve;
  });
  handOff.consume(async (readings) => {
    batches.push(readings.map((r) => r.value));
    if (batches.length === 1) await blocked;
  });
  handOff.offer([reading(1)]);
  await new Promise((resolve) => setTimeout(resolve, 60));
  handOff.offer([reading(2)]);
  handOff.offer([reading(3)]);
  release();
  await handOff.drain();
  assert.equal(batches, [[1], [2, 3]]);
});

test.run();
