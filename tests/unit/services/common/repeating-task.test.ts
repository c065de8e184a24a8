import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startRepeatingTask } from '../../../../src/services/common/index.ts';

/** A promise the test settles itself: no run ends before the test says so. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

test('stop waits for the run in flight: the database may close once it resolved', async () => {
  const gate = deferred();
  let finished = false;
  const task = startRepeatingTask({
    intervalMs: 60_000,
    runAtStart: true,
    run: async () => {
      await gate.promise;
      finished = true;
    },
    onError: () => assert.unreachable('the run does not fail'),
  });
  let stopped = false;
  const stopping = task.stop().then(() => {
    stopped = true;
  });
  await turns(10);
  assert.not.ok(stopped, 'stop resolved while the run was still going');
  gate.resolve();
  await stopping;
  assert.ok(finished, 'the run finished before stop resolved');
});

test('no run starts after stop, and a run still going is never doubled by a tick', async () => {
  const gate = deferred();
  let runs = 0;
  const task = startRepeatingTask({
    intervalMs: 1,
    run: async () => {
      runs++;
      await gate.promise;
    },
    onError: () => assert.unreachable('the run does not fail'),
  });
  await until(() => runs === 1, 'the first tick');
  await sleep(30);
  assert.is(runs, 1, 'ticks while the first run was going started another one');
  const stopping = task.stop();
  gate.resolve();
  await stopping;
  await sleep(30);
  assert.is(runs, 1, 'a run started after stop');
  await task.stop();
});

test('a failed run is reported and the next tick runs again', async () => {
  const errors: unknown[] = [];
  let runs = 0;
  const task = startRepeatingTask({
    intervalMs: 1,
    run: async () => {
      runs++;
      if (runs === 1) throw new Error('database busy');
    },
    onError: (error) => errors.push(error),
  });
  await until(() => runs >= 2, 'a second run');
  await task.stop();
  assert.is(errors.length, 1);
  assert.match(String(errors[0]), 'database busy');
});

test.run();
