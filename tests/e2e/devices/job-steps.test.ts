import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StepState } from '../../../src/gen/hcs/v1/devices.ts';
import { type DeviceBench, registerBench, startDeviceBench } from './device-fixtures.ts';
import { jobEnded, jobWhen, setRelay, watchJobEvents } from './job-fixtures.ts';

let bench: DeviceBench;

test.before(async () => {
  bench = await startDeviceBench();
  await registerBench(bench);
});
test.after(async () => {
  await bench?.close();
});

const relaysAre = (bits: string, extra: Record<string, unknown> = {}) => ({
  waitUntil: {
    device: 'devices/relay-1',
    resource: 'relays',
    op: 'COMPARISON_OP_EQUAL',
    value: { stringValue: bits },
    timeout: '10s',
    pollInterval: '0.05s',
    ...extra,
  },
});

test('a wait-until step waits for the reading to change, then the job goes on; a wait step waits', async () => {
  const created = await bench.rest('POST', 'jobs', {
    jobId: 'until-met',
    job: {
      steps: [
        { device: 'devices/relay-1', command: 'all_off' },
        relaysAre('10000000'),
        { wait: { duration: '0.05s' } },
        setRelay(1, false),
      ],
    },
  });
  assert.is(created.status, 200, created.text);
  // Only once the job is waiting does the relay switch, by a command outside the job.
  await jobWhen(bench, 'jobs/until-met', (job) => job.stepResults[1]?.state === 'STEP_STATE_RUNNING');
  const switched = await bench.rest('POST', 'devices/relay-1:executeCommand', {
    command: 'set_relay',
    jsonParameters: { channel: 1, on: true },
  });
  assert.is(switched.status, 200, switched.text);
  const job = await jobEnded(bench, 'jobs/until-met');
  assert.is(job.state, 'JOB_STATE_SUCCEEDED', JSON.stringify(job));
  assert.equal(
    job.stepResults.map((r) => r.state),
    ['STEP_STATE_SUCCEEDED', 'STEP_STATE_SUCCEEDED', 'STEP_STATE_SUCCEEDED', 'STEP_STATE_SUCCEEDED'],
  );
  assert.is(job.stepResults[1]?.readings?.[0]?.value.stringValue, '10000000');
  const stored = (await bench.rest('GET', 'jobs/until-met')).json as {
    steps: Array<Record<string, unknown>>;
  };
  assert.equal(stored.steps[2]?.wait, { duration: '0.050s' });
  assert.is((stored.steps[1]?.waitUntil as { op?: string } | undefined)?.op, 'COMPARISON_OP_EQUAL');
});

test('a wait-until step whose condition is not met in time fails with DEADLINE_EXCEEDED and its last reading', async () => {
  await bench.rest('POST', 'jobs', {
    jobId: 'until-late',
    job: {
      steps: [
        {
          waitUntil: {
            device: 'devices/th-1',
            resource: 'temperature',
            op: 'COMPARISON_OP_GREATER',
            value: { doubleValue: 1000 },
            timeout: '0.3s',
            pollInterval: '0.1s',
          },
        },
        setRelay(2, true),
      ],
    },
  });
  const job = await jobEnded(bench, 'jobs/until-late');
  assert.is(job.state, 'JOB_STATE_FAILED');
  assert.equal(
    job.stepResults.map((r) => r.state),
    ['STEP_STATE_FAILED', 'STEP_STATE_SKIPPED'],
  );
  assert.is(job.error?.code, 4);
  assert.match(job.error?.message ?? '', /temperature of devices\/th-1 > 1000 was not met within 300 ms/);
  assert.is(job.stepResults[0]?.readings?.[0]?.resource, 'temperature');
  assert.match(job.stepResults[0]?.commandExecution ?? '', /^devices\/th-1\/commandExecutions\//);
});

test('wait-until steps naming unknown resources, misfit values or orders on text are refused', async () => {
  for (const [step, field] of [
    [relaysAre('1', { resource: 'nope' }), 'wait_until.resource'],
    [relaysAre('1', { value: { doubleValue: 1 } }), 'wait_until.value'],
    [relaysAre('1', { op: 'COMPARISON_OP_LESS' }), 'wait_until.op'],
    [relaysAre('1', { op: 'COMPARISON_OP_UNSPECIFIED' }), 'wait_until.op'],
    [relaysAre('1', { pollInterval: '0.001s' }), 'wait_until.poll_interval'],
  ] as const) {
    const answer = await bench.rest('POST', 'jobs', { jobId: 'bad-until', job: { steps: [step] } });
    assert.is(answer.status, 400, answer.text);
    assert.ok(answer.text.includes(`job.steps[0].${field}`), answer.text);
  }
});

test('the steps of a parallel group run at once on their devices', async () => {
  // A second per reply: the group's second step starts within it however loaded the host.
  bench.sim.setLatency('sim-th-1', 1000);
  bench.sim.setLatency('sim-relay-1', 1000);
  try {
    const created = await bench.rest('POST', 'jobs', {
      jobId: 'together',
      job: {
        steps: [
          {
            parallel: {
              steps: [
                { device: 'devices/th-1', command: 'read_temperature' },
                { device: 'devices/relay-1', command: 'read_relays' },
              ],
            },
          },
          setRelay(3, true),
        ],
      },
    });
    assert.is(created.status, 200, created.text);
    const job = await jobEnded(bench, 'jobs/together');
    assert.is(job.state, 'JOB_STATE_SUCCEEDED', JSON.stringify(job));
    const group = job.stepResults[0]?.groupResults ?? [];
    assert.equal(
      group.map((r) => r.state),
      ['STEP_STATE_SUCCEEDED', 'STEP_STATE_SUCCEEDED'],
    );
    const [a, b] = await Promise.all(
      group.map(async (r) => (await bench.rest('GET', r.commandExecution ?? '')).json),
    );
    const time = (value: unknown) => Date.parse(String(value));
    // Each ran while the other was running: their spans on the two devices overlap.
    assert.ok(time(a?.startTime) < time(b?.endTime), JSON.stringify([a, b]));
    assert.ok(time(b?.startTime) < time(a?.endTime), JSON.stringify([a, b]));
    const next = (await bench.rest('GET', job.stepResults[1]?.commandExecution ?? '')).json;
    assert.ok(time(next.startTime) >= Math.max(time(a?.endTime), time(b?.endTime)));
  } finally {
    bench.sim.setLatency('sim-th-1', 0);
    bench.sim.setLatency('sim-relay-1', 0);
  }
});

test('WatchJob reports each step of a parallel group as it ends, before the group', async () => {
  // The thermometer answers after 600 ms, the relay board at once: the relay's step ends first.
  bench.sim.setLatency('sim-th-1', 600);
  try {
    const created = await bench.rest('POST', 'jobs', {
      jobId: 'watched-group',
      job: {
        steps: [
          { wait: { duration: '0.2s' } },
          {
            parallel: {
              steps: [
                { device: 'devices/th-1', command: 'read_temperature' },
                { device: 'devices/relay-1', command: 'read_relays' },
              ],
            },
          },
        ],
      },
    });
    assert.is(created.status, 200, created.text);
    const events = await watchJobEvents(bench, 'jobs/watched-group');
    const ends = events
      .filter((event) => event.stepIndex === 1 && event.stepState === StepState.STEP_STATE_SUCCEEDED)
      .map((event) => [event.groupStepIndex, event.message]);
    assert.equal(ends, [
      [1, 'step 2.2 succeeded'],
      [0, 'step 2.1 succeeded'],
      [undefined, 'step 2 succeeded'],
    ]);
    const relayEnd = events.find(
      (event) => event.groupStepIndex === 1 && event.message === 'step 2.2 succeeded',
    );
    assert.match(relayEnd?.commandExecution ?? '', /^devices\/relay-1\/commandExecutions\//);
    assert.is(relayEnd?.attempt, 1);
  } finally {
    bench.sim.setLatency('sim-th-1', 0);
  }
});

test('a parallel group with two steps on one device, or a nested group, is refused', async () => {
  const sameDevice = await bench.rest('POST', 'jobs', {
    jobId: 'clash',
    job: { steps: [{ parallel: { steps: [setRelay(1, true), relaysAre('10000000')] } }] },
  });
  assert.is(sameDevice.status, 400, sameDevice.text);
  assert.match(sameDevice.text, /job\.steps\[0\]\.parallel\.steps\[1\]\.device/);
  assert.match(sameDevice.text, /devices\/relay-1 is also the device of step 0/);
  const nested = await bench.rest('POST', 'jobs', {
    jobId: 'nested',
    job: {
      steps: [
        {
          parallel: {
            steps: [{ wait: { duration: '0s' } }, { parallel: { steps: [{ wait: { duration: '0s' } }] } }],
          },
        },
      ],
    },
  });
  assert.is(nested.status, 400, nested.text);
  assert.match(nested.text, /cannot be nested/);
});

test('a write step that timed out is never retried, whatever its retry policy', async () => {
  bench.sim.setFaults('sim-psu-1', { dropReplyRate: 1 });
  try {
    await bench.rest('POST', 'jobs', {
      jobId: 'write-once',
      job: {
        steps: [
          {
            device: 'devices/psu-1',
            command: 'set_voltage',
            parameters: { voltage: { doubleValue: 5 } },
            timeout: '0.1s',
            retryPolicy: { maxAttempts: 3, initialBackoff: '0.01s' },
          },
        ],
      },
    });
    const job = await jobEnded(bench, 'jobs/write-once');
    assert.is(job.state, 'JOB_STATE_FAILED');
    assert.is(job.stepResults[0]?.attempts, 1);
    assert.is(job.stepResults[0]?.error?.code, 4);
    const execution = await bench.rest('GET', job.stepResults[0]?.commandExecution ?? '');
    assert.is(execution.json.state, 'COMMAND_EXECUTION_STATE_TIMED_OUT');
  } finally {
    bench.sim.setFaults('sim-psu-1', {});
  }
});

test('cancelling a job in a wait-until step cancels the step and the rest', async () => {
  await bench.rest('POST', 'jobs', {
    jobId: 'stop-waiting',
    job: { steps: [relaysAre('01010101', { timeout: '60s' }), setRelay(1, true)] },
  });
  await jobWhen(bench, 'jobs/stop-waiting', (job) => job.stepResults[0]?.state === 'STEP_STATE_RUNNING');
  const cancelled = await bench.rest('POST', 'jobs/stop-waiting:cancel', {});
  assert.is(cancelled.status, 200, cancelled.text);
  const job = await jobEnded(bench, 'jobs/stop-waiting');
  assert.is(job.state, 'JOB_STATE_CANCELLED');
  assert.equal(
    job.stepResults.map((r) => r.state),
    ['STEP_STATE_CANCELLED', 'STEP_STATE_CANCELLED'],
  );
});

test('cancelling a job in a parallel group cancels every step of the group and its execution', async () => {
  // The ping runs until the cancellation ends it, however loaded the host.
  bench.sim.setLatency('sim-th-1', 20_000);
  try {
    await bench.rest('POST', 'jobs', {
      jobId: 'stop-group',
      job: {
        steps: [
          {
            parallel: {
              steps: [
                { device: 'devices/th-1', command: 'ping', timeout: '60s' },
                { wait: { duration: '60s' } },
              ],
            },
          },
        ],
      },
    });
    const running = await jobWhen(
      bench,
      'jobs/stop-group',
      (job) =>
        (job.stepResults[0]?.groupResults ?? []).every((r) => r.state === 'STEP_STATE_RUNNING') &&
        (job.stepResults[0]?.groupResults?.[0]?.attempts ?? 0) > 0,
    );
    assert.is(running.state, 'JOB_STATE_RUNNING');
    assert.is((await bench.rest('POST', 'jobs/stop-group:cancel', {})).status, 200);
    const job = await jobEnded(bench, 'jobs/stop-group');
    assert.is(job.state, 'JOB_STATE_CANCELLED');
    assert.equal(
      (job.stepResults[0]?.groupResults ?? []).map((r) => r.state),
      ['STEP_STATE_CANCELLED', 'STEP_STATE_CANCELLED'],
    );
    const executions = await bench.rest(
      'GET',
      `devices/th-1/commandExecutions?filter=${encodeURIComponent('job = "jobs/stop-group"')}`,
    );
    assert.equal(
      (executions.json.commandExecutions as Array<{ state: string }>).map((e) => e.state),
      ['COMMAND_EXECUTION_STATE_CANCELLED'],
    );
  } finally {
    bench.sim.setLatency('sim-th-1', 0);
  }
});

test('WatchJob over REST streams each step as it ends, in order, and closes with the job', async () => {
  await bench.rest('POST', 'jobs', {
    jobId: 'watched',
    job: {
      steps: [
        { wait: { duration: '0.3s' } },
        {
          parallel: {
            steps: [{ wait: { duration: '0.05s' } }, { device: 'devices/relay-1', command: 'read_relays' }],
          },
        },
        { device: 'devices/th-1', command: 'ping' },
      ],
    },
  });
  const answer = await bench.rest('GET', 'jobs/watched:watch');
  assert.is(answer.status, 200, answer.text);
  const messages = answer.text
    .trim()
    .split('\n')
    .map(
      (line) =>
        (
          JSON.parse(line) as {
            result: {
              jobState: string;
              stepIndex?: number;
              groupStepIndex?: number;
              stepState: string;
              progressPercent: number;
            };
          }
        ).result,
    );
  const succeeded = messages.filter((m) => m.stepState === 'STEP_STATE_SUCCEEDED');
  assert.equal(
    succeeded.map((m) => [m.stepIndex, m.groupStepIndex]),
    [
      [0, undefined],
      [1, 1], // the relay answers at once, the group's wait takes 50 ms
      [1, 0],
      [1, undefined],
      [2, undefined],
    ],
  );
  const progress = messages.map((m) => m.progressPercent);
  assert.equal(
    progress,
    [...progress].sort((a, b) => a - b),
  );
  assert.is(messages.at(-1)?.jobState, 'JOB_STATE_SUCCEEDED');
  assert.is(messages.at(-1)?.progressPercent, 100);
});

test.run();
