import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JobState } from '../../../src/gen/hcs/v1/devices.ts';
import { type DeviceBench, registerBench, startDeviceBench } from './device-fixtures.ts';
import { watchJobEvents } from './job-fixtures.ts';

let bench: DeviceBench;

test.before(async () => {
  bench = await startDeviceBench();
  await registerBench(bench);
});
test.after(async () => {
  await bench?.close();
});

interface JobJson {
  name: string;
  state: string;
  progressPercent?: number;
  stepResults: Array<{
    state: string;
    attempts?: number;
    commandExecution?: string;
    readings?: Array<{ value: { stringValue?: string } }>;
    error?: { code: number };
  }>;
}

async function ended(name: string): Promise<JobJson> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const job = (await bench.rest('GET', name)).json as unknown as JobJson;
    if (!['JOB_STATE_QUEUED', 'JOB_STATE_RUNNING'].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${name} did not end`);
}

const setRelay = (channel: number, on: boolean) => ({
  device: 'devices/relay-1',
  command: 'set_relay',
  parameters: { channel: { intValue: String(channel) }, on: { boolValue: on } },
});

test('a job runs its steps in order; each step is a recorded execution of the job', async () => {
  const created = await bench.rest('POST', 'jobs', {
    jobId: 'relay-four',
    job: {
      displayName: 'Relay 4 on, then read',
      steps: [setRelay(4, true), { device: 'devices/relay-1', command: 'read_relays' }],
    },
  });
  assert.is(created.status, 200, created.text);
  const job = await ended('jobs/relay-four');
  assert.is(job.state, 'JOB_STATE_SUCCEEDED');
  assert.is(job.progressPercent, 100);
  assert.equal(
    job.stepResults.map((r) => r.state),
    ['STEP_STATE_SUCCEEDED', 'STEP_STATE_SUCCEEDED'],
  );
  assert.is(job.stepResults[1]?.readings?.[0]?.value.stringValue, '00010000');
  const stored = (await bench.rest('GET', 'jobs/relay-four')).json as {
    steps: Array<{ parameters: unknown }>;
  };
  assert.equal(stored.steps[0]?.parameters, { channel: { intValue: '4' }, on: { boolValue: true } });
  const execution = await bench.rest('GET', job.stepResults[0]?.commandExecution ?? '');
  assert.is(execution.json.job, 'jobs/relay-four');
});

test('steps naming unknown devices, commands or bad parameters are refused at creation', async () => {
  for (const step of [
    { device: 'devices/nope', command: 'ping' },
    { device: 'devices/th-1', command: 'explode' },
    { ...setRelay(9, true) },
  ]) {
    const answer = await bench.rest('POST', 'jobs', { jobId: 'bad', job: { steps: [step] } });
    assert.is(answer.status, 400, answer.text);
    assert.match(answer.text, /job\.steps\[0\]/);
  }
});

test('a failing ABORT step fails the job and skips the rest; a CONTINUE step lets it go on', async () => {
  bench.sim.unplug('sim-psu-1');
  try {
    const failing = { device: 'devices/psu-1', command: 'read_status' };
    await bench.rest('POST', 'jobs', { jobId: 'aborts', job: { steps: [failing, setRelay(1, true)] } });
    const aborted = await ended('jobs/aborts');
    assert.is(aborted.state, 'JOB_STATE_FAILED');
    assert.equal(
      aborted.stepResults.map((r) => r.state),
      ['STEP_STATE_FAILED', 'STEP_STATE_SKIPPED'],
    );
    assert.is(aborted.stepResults[0]?.error?.code, 9);
    await bench.rest('POST', 'jobs', {
      jobId: 'continues',
      job: { steps: [{ ...failing, onFailure: 'STEP_FAILURE_POLICY_CONTINUE' }, setRelay(1, false)] },
    });
    const continued = await ended('jobs/continues');
    assert.is(continued.state, 'JOB_STATE_SUCCEEDED');
    assert.equal(
      continued.stepResults.map((r) => r.state),
      ['STEP_STATE_FAILED', 'STEP_STATE_SUCCEEDED'],
    );
  } finally {
    bench.sim.plug('sim-psu-1');
  }
});

test('a timed-out step is retried by its policy; WatchJob streams progress and ends with the job', async () => {
  bench.sim.setFaults('sim-th-1', { dropReplyRate: 1 });
  try {
    await bench.rest('POST', 'jobs', {
      jobId: 'retries',
      job: {
        steps: [
          {
            device: 'devices/th-1',
            command: 'ping',
            timeout: '0.1s',
            retryPolicy: { maxAttempts: 2, initialBackoff: '0.05s' },
          },
        ],
      },
    });
    const messages = await watchJobEvents(bench, 'jobs/retries');
    assert.is(messages.at(-1)?.jobState, JobState.JOB_STATE_FAILED);
    const job = await ended('jobs/retries');
    assert.is(job.stepResults[0]?.attempts, 2);
    assert.is(job.stepResults[0]?.error?.code, 4);
  } finally {
    bench.sim.setFaults('sim-th-1', {});
  }
});

test('a running job keeps its devices and is cancelled with its execution; cancelling it again is FAILED_PRECONDITION', async () => {
  // The ping takes 20 s, so the calls below all find the job running however loaded the host is;
  // the cancellation ends it long before.
  bench.sim.setLatency('sim-th-1', 20_000);
  try {
    await bench.rest('POST', 'jobs', {
      jobId: 'long',
      job: { steps: [{ device: 'devices/th-1', command: 'ping', timeout: '60s' }, setRelay(2, true)] },
    });
    const deadline = Date.now() + 15_000;
    let execution = '';
    while (execution === '' && Date.now() < deadline) {
      const job = (await bench.rest('GET', 'jobs/long')).json as unknown as JobJson;
      execution = job.stepResults[0]?.commandExecution ?? '';
      if (execution === '') {
        const list = await bench.rest(
          'GET',
          `devices/th-1/commandExecutions?filter=${encodeURIComponent('job = "jobs/long"')}`,
        );
        execution = ((list.json.commandExecutions ?? []) as Array<{ name: string }>)[0]?.name ?? '';
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const inUse = await bench.rest('DELETE', 'devices/relay-1');
    assert.is(inUse.status, 400);
    assert.match(inUse.text, /DEVICE_IN_USE/);
    const cancelled = await bench.rest('POST', 'jobs/long:cancel', {});
    assert.is(cancelled.status, 200, cancelled.text);
    const job = await ended('jobs/long');
    assert.is(job.state, 'JOB_STATE_CANCELLED');
    assert.equal(
      job.stepResults.map((r) => r.state),
      ['STEP_STATE_CANCELLED', 'STEP_STATE_CANCELLED'],
    );
    assert.is((await bench.rest('GET', execution)).json.state, 'COMMAND_EXECUTION_STATE_CANCELLED');
    const again = await bench.rest('POST', 'jobs/long:cancel', {});
    assert.is(again.status, 400);
  } finally {
    bench.sim.setLatency('sim-th-1', 0);
  }
});

test.run();
