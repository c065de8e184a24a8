import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CommandExecution } from '../../../src/gen/hcs/v1/devices.ts';
import { createSimulatedAdapter } from '../../../src/hardware/adapters/simulated/index.ts';
import { removeTempDir, tempDir } from '../../helpers/process.ts';
import { type DeviceBench, registerBench, startDeviceBench } from './device-fixtures.ts';

const dataDir = tempDir('hcs-devices-restart-');
// Both servers share the data directory, so tokens must be signed with one secret.
const env = { HCS_DATA_DIR: dataDir, HCS_SECRET_KEY: 'restart-test-secret-of-at-least-32-bytes' };

test.after(() => removeTempDir(dataDir));

async function listed(bench: DeviceBench): Promise<CommandExecution[]> {
  const answer = await bench.rest('GET', 'devices/th-1/commandExecutions');
  return (answer.json.commandExecutions ?? []) as CommandExecution[];
}

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('timed out waiting');
}

test('after a restart, a command that was running ends TIMED_OUT (RESTART) and never re-sent; a queued one runs', async () => {
  const slow = createSimulatedAdapter({ seed: 3, latencyMs: 20_000 });
  const first = await startDeviceBench({ sim: slow, env });
  let running = '';
  let queued = '';
  try {
    await registerBench(first);
    void first
      .rest('POST', 'devices/th-1:executeCommand', { command: 'read_climate', timeout: '60s' })
      .catch(() => {});
    running = await until(
      async () =>
        (await listed(first)).find((e) => (e.state as unknown) === 'COMMAND_EXECUTION_STATE_RUNNING')?.name,
    );
    void first.rest('POST', 'devices/th-1:executeCommand', { command: 'read_temperature' }).catch(() => {});
    queued = await until(
      async () =>
        (await listed(first)).find((e) => (e.state as unknown) === 'COMMAND_EXECUTION_STATE_QUEUED')?.name,
    );
  } finally {
    await first.close();
  }

  const second = await startDeviceBench({ env });
  try {
    const interrupted = await second.rest('GET', running);
    assert.is(interrupted.json.state, 'COMMAND_EXECUTION_STATE_TIMED_OUT');
    assert.is(interrupted.json.stateReason, 'RESTART');
    const resumed = await until(async () => {
      const answer = await second.rest('GET', queued);
      return answer.json.state === 'COMMAND_EXECUTION_STATE_SUCCEEDED' ? answer.json : undefined;
    });
    assert.equal(
      (resumed.readings as Array<{ resource: string }>).map((r) => r.resource),
      ['temperature'],
    );
    assert.is((await listed(second)).length, 2);
  } finally {
    await second.close();
  }
});

test.run();
