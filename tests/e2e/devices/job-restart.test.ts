import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AbandonJobRequest,
  type AbandonJobResponse,
  JobState,
  ResumeJobRequest,
  StepState,
} from '../../../src/gen/hcs/v1/devices.ts';
import { createSimulatedAdapter } from '../../../src/hardware/adapters/simulated/index.ts';
import { removeTempDir, tempDir } from '../../helpers/process.ts';
import { type DeviceBench, registerBench, startDeviceBench } from './device-fixtures.ts';
import { type JobJson, jobEnded, jobWhen, setRelay } from './job-fixtures.ts';

const dataDir = tempDir('hcs-jobs-restart-');
// Both servers share the data directory, so tokens must be signed with one secret.
const env = { HCS_DATA_DIR: dataDir, HCS_SECRET_KEY: 'restart-test-secret-of-at-least-32-bytes' };

const groupDataDir = tempDir('hcs-jobs-group-restart-');
const groupEnv = { ...env, HCS_DATA_DIR: groupDataDir };

test.after(() => {
  removeTempDir(dataDir);
  removeTempDir(groupDataDir);
});

/** The name of the RUNNING execution of `job` on th-1, or '' when none shows within 10 s. */
async function runningExecutionOf(bench: DeviceBench, job: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const list = await bench.rest(
      'GET',
      `devices/th-1/commandExecutions?filter=${encodeURIComponent(`job = "${job}"`)}`,
    );
    const running = ((list.json.commandExecutions ?? []) as Array<{ name: string; state: string }>).find(
      (execution) => execution.state === 'COMMAND_EXECUTION_STATE_RUNNING',
    );
    if (running !== undefined) return running.name;
  }
  return '';
}

const slowThenRelay = (channel: number) => ({
  steps: [{ device: 'devices/th-1', command: 'read_temperature', timeout: '60s' }, setRelay(channel, true)],
});

test('jobs running when the server stops are INTERRUPTED after it starts again, then resumed or abandoned', async () => {
  const first = await startDeviceBench({ sim: createSimulatedAdapter({ seed: 3, latencyMs: 20_000 }), env });
  let interruptedExecution = '';
  try {
    await registerBench(first);
    for (const [id, channel] of [
      ['to-resume', 7],
      ['to-abandon', 8],
    ] as const) {
      const created = await first.rest('POST', 'jobs', { jobId: id, job: slowThenRelay(channel) });
      assert.is(created.status, 200, created.text);
    }
    await jobWhen(first, 'jobs/to-abandon', (job) => job.stepResults[0]?.state === 'STEP_STATE_RUNNING');
    await jobWhen(first, 'jobs/to-resume', (job) => (job.stepResults[0]?.attempts ?? 0) > 0);
    interruptedExecution = await runningExecutionOf(first, 'jobs/to-resume');
  } finally {
    await first.close();
  }

  const second = await startDeviceBench({ env });
  try {
    for (const name of ['jobs/to-resume', 'jobs/to-abandon']) {
      const job = (await second.rest('GET', name)).json as {
        state: string;
        stepResults: Array<Record<string, unknown>>;
      };
      assert.is(job.state, 'JOB_STATE_INTERRUPTED', name);
      assert.is(job.stepResults[0]?.state, 'STEP_STATE_PENDING');
      assert.is((job.stepResults[0]?.error as { code?: number } | undefined)?.code, 10);
      assert.is(job.stepResults[1]?.state, 'STEP_STATE_PENDING');
    }
    // Nothing ran on its own: the interrupted step's command is the TIMED_OUT one of before.
    const old = await second.rest('GET', interruptedExecution);
    assert.is(old.json.state, 'COMMAND_EXECUTION_STATE_TIMED_OUT');
    const waited = await second.rest(
      'GET',
      `devices/th-1/commandExecutions?filter=${encodeURIComponent('job = "jobs/to-abandon"')}`,
    );
    assert.equal(
      (waited.json.commandExecutions as Array<{ state: string }>).map((execution) => execution.state),
      ['COMMAND_EXECUTION_STATE_CANCELLED'],
    );
    const cancel = await second.rest('POST', 'jobs/to-resume:cancel', {});
    assert.is(cancel.status, 400);
    assert.match(cancel.text, /abandon it instead/);

    const resumed = await second.rest('POST', 'jobs/to-resume:resume', {});
    assert.is(resumed.status, 200, resumed.text);
    const done = await jobEnded(second, 'jobs/to-resume');
    assert.is(done.state, 'JOB_STATE_SUCCEEDED', JSON.stringify(done));
    assert.equal(
      done.stepResults.map((r) => r.state),
      ['STEP_STATE_SUCCEEDED', 'STEP_STATE_SUCCEEDED'],
    );
    assert.not.equal(done.stepResults[0]?.commandExecution, interruptedExecution);
    assert.is(done.stepResults[0]?.readings?.[0]?.resource, 'temperature');

    const abandoned = await second.grpc<AbandonJobRequest, AbandonJobResponse>(
      'abandonJob',
      AbandonJobRequest.fromPartial({ name: 'jobs/to-abandon' }),
    );
    assert.is(abandoned.error, undefined);
    assert.is(abandoned.response?.job?.state, JobState.JOB_STATE_CANCELLED);
    assert.equal(
      abandoned.response?.job?.stepResults.map((r) => r.state),
      [StepState.STEP_STATE_CANCELLED, StepState.STEP_STATE_CANCELLED],
    );
    const again = await second.grpc('resumeJob', ResumeJobRequest.fromPartial({ name: 'jobs/to-abandon' }));
    assert.is(again.error?.code, 9);
    assert.is(again.details?.errorInfo?.reason, 'JOB_NOT_INTERRUPTED');
    // The abandoned job's relay was never switched.
    const relays = await second.rest('POST', 'devices/relay-1:executeCommand', { command: 'read_relays' });
    assert.is(
      (relays.json.readings as Array<{ value: { stringValue: string } }>)[0]?.value.stringValue,
      '00000010',
    );
  } finally {
    await second.close();
  }
});

test('a parallel group interrupted by a restart resumes only its unfinished steps, with new attempts', async () => {
  const first = await startDeviceBench({
    sim: createSimulatedAdapter({ seed: 4, latencyMs: 20_000 }),
    env: groupEnv,
  });
  let interruptedExecution = '';
  try {
    await registerBench(first);
    const created = await first.rest('POST', 'jobs', {
      jobId: 'group-resume',
      job: {
        steps: [
          {
            parallel: {
              steps: [
                { wait: { duration: '0s' } },
                { device: 'devices/th-1', command: 'read_temperature', timeout: '60s' },
              ],
            },
          },
        ],
      },
    });
    assert.is(created.status, 200, created.text);
    await jobWhen(
      first,
      'jobs/group-resume',
      (job) =>
        job.stepResults[0]?.groupResults?.[0]?.state === 'STEP_STATE_SUCCEEDED' &&
        (job.stepResults[0]?.groupResults?.[1]?.attempts ?? 0) > 0,
    );
    interruptedExecution = await runningExecutionOf(first, 'jobs/group-resume');
    assert.ok(interruptedExecution, 'the group step is running when the server stops');
  } finally {
    await first.close();
  }

  const second = await startDeviceBench({ env: groupEnv });
  try {
    const job = (await second.rest('GET', 'jobs/group-resume')).json as unknown as JobJson;
    assert.is(job.state, 'JOB_STATE_INTERRUPTED');
    const group = job.stepResults[0]?.groupResults ?? [];
    assert.equal(
      group.map((r) => r.state),
      ['STEP_STATE_SUCCEEDED', 'STEP_STATE_PENDING'],
      'the ended step keeps its outcome',
    );
    assert.is(group[1]?.attempts, 1);
    assert.is(group[1]?.error?.code, 10);

    const resumed = await second.rest('POST', 'jobs/group-resume:resume', {});
    assert.is(resumed.status, 200, resumed.text);
    const done = await jobEnded(second, 'jobs/group-resume');
    assert.is(done.state, 'JOB_STATE_SUCCEEDED', JSON.stringify(done));
    const after = done.stepResults[0]?.groupResults ?? [];
    assert.is(after[1]?.attempts, 2);
    assert.ok(after[1]?.commandExecution, 'the resumed step ran a command');
    assert.not.equal(
      after[1]?.commandExecution,
      interruptedExecution,
      'a new execution, not the timed-out one',
    );
    assert.is(after[1]?.readings?.[0]?.resource, 'temperature');
  } finally {
    await second.close();
  }
});

test.run();
