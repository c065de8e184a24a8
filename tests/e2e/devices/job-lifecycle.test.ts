import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CreateJobRequest,
  type CreateJobResponse,
  DeleteJobRequest,
} from '../../../src/gen/hcs/v1/devices.ts';
import { type DeviceBench, registerBench, startDeviceBench } from './device-fixtures.ts';
import { jobEnded, jobWhen, setRelay } from './job-fixtures.ts';

let bench: DeviceBench;

test.before(async () => {
  bench = await startDeviceBench();
  await registerBench(bench);
});
test.after(async () => {
  await bench?.close();
});

test('a CreateJob retried with its request_id returns the first job, over REST and gRPC', async () => {
  const body = (jobId: string) => ({
    jobId,
    requestId: 'nightly-2026-12-02',
    job: { displayName: 'Once only', steps: [setRelay(6, true)] },
  });
  const first = await bench.rest('POST', 'jobs', body('once'));
  assert.is(first.status, 200, first.text);
  const again = await bench.rest('POST', 'jobs', body('twice'));
  assert.is(again.status, 200, again.text);
  assert.is(again.json.name, 'jobs/once');
  const overGrpc = await bench.grpc<CreateJobRequest, CreateJobResponse>(
    'createJob',
    CreateJobRequest.fromPartial({
      requestId: 'nightly-2026-12-02',
      job: { steps: [{ device: 'devices/relay-1', command: 'read_relays' }] },
    }),
  );
  assert.is(overGrpc.error, undefined);
  assert.is(overGrpc.response?.job?.name, 'jobs/once');
  assert.is((await bench.rest('GET', 'jobs/twice')).status, 404);
  const listed = await bench.rest('GET', `jobs?filter=${encodeURIComponent('display_name = "Once only"')}`);
  assert.is((listed.json.jobs as unknown[]).length, 1);
  const other = await bench.rest('POST', 'jobs', { ...body('other'), requestId: 'nightly-2026-12-03' });
  assert.is(other.json.name, 'jobs/other');
});

test('a job that ended can be deleted; one still running cannot', async () => {
  // The ping runs until the cancellation ends it, however loaded the host.
  bench.sim.setLatency('sim-th-1', 20_000);
  try {
    await bench.rest('POST', 'jobs', {
      jobId: 'busy',
      job: { steps: [{ device: 'devices/th-1', command: 'ping', timeout: '60s' }] },
    });
    await jobWhen(bench, 'jobs/busy', (job) => job.state === 'JOB_STATE_RUNNING');
    const refused = await bench.rest('DELETE', 'jobs/busy');
    assert.is(refused.status, 400, refused.text);
    assert.match(refused.text, /JOB_NOT_ENDED/);
    await bench.rest('POST', 'jobs/busy:cancel', {});
    await jobEnded(bench, 'jobs/busy');
  } finally {
    bench.sim.setLatency('sim-th-1', 0);
  }
  const deleted = await bench.rest('DELETE', 'jobs/busy');
  assert.is(deleted.status, 200, deleted.text);
  assert.is((await bench.rest('GET', 'jobs/busy')).status, 404);
  const overGrpc = await bench.grpc('deleteJob', DeleteJobRequest.fromPartial({ name: 'jobs/busy' }));
  assert.is(overGrpc.error?.code, 5);
});

test('a job audits the calls on it and its own transitions; resuming a job that was not interrupted is refused', async () => {
  await bench.rest('POST', 'jobs', { jobId: 'audited', job: { steps: [{ wait: { duration: '0s' } }] } });
  const job = await jobEnded(bench, 'jobs/audited');
  assert.is(job.state, 'JOB_STATE_SUCCEEDED');
  const resumed = await bench.rest('POST', 'jobs/audited:resume', {});
  assert.is(resumed.status, 400);
  assert.match(resumed.text, /JOB_NOT_INTERRUPTED/);
  assert.is((await bench.rest('POST', 'jobs/audited:abandon', {})).status, 400);
  await bench.rest('DELETE', 'jobs/audited');
  type Entry = { action: string; outcome: string; details: Record<string, string> };
  let entries: Entry[] = [];
  const deadline = Date.now() + 20_000;
  while (entries.length < 6 && Date.now() < deadline) {
    const audit = await bench.rest(
      'GET',
      `auditEntries?target=${encodeURIComponent('jobs/audited')}&pageSize=20`,
    );
    entries = (audit.json.auditEntries ?? []) as Entry[];
  }
  const seen = entries.map(
    (entry) => `${entry.action.replace('hcs.v1.DeviceService.', '')} ${entry.details.state ?? entry.outcome}`,
  );
  for (const expected of [
    'CreateJob AUDIT_OUTCOME_SUCCESS',
    'CreateJob running',
    'CreateJob succeeded',
    'ResumeJob AUDIT_OUTCOME_FAILURE',
    'AbandonJob AUDIT_OUTCOME_FAILURE',
    'DeleteJob AUDIT_OUTCOME_SUCCESS',
  ]) {
    assert.ok(seen.includes(expected), `${expected} not in ${JSON.stringify(seen)}`);
  }
});

test('jobs that ended are deleted once older than HCS_DEVICES_JOB_RETENTION_MS; running ones are kept', async () => {
  const short = await startDeviceBench({ env: { HCS_DEVICES_JOB_RETENTION_MS: '1000' } });
  try {
    await registerBench(short);
    // jobs/lasting runs until the bench closes: still running whenever jobs/brief is swept.
    short.sim.setLatency('sim-th-1', 30_000);
    await short.rest('POST', 'jobs', { jobId: 'brief', job: { steps: [{ wait: { duration: '0s' } }] } });
    await short.rest('POST', 'jobs', {
      jobId: 'lasting',
      job: { steps: [{ device: 'devices/th-1', command: 'ping', timeout: '60s' }] },
    });
    assert.is((await jobEnded(short, 'jobs/brief')).state, 'JOB_STATE_SUCCEEDED');
    const deadline = Date.now() + 20_000;
    while ((await short.rest('GET', 'jobs/brief')).status !== 404) {
      assert.ok(Date.now() < deadline, 'jobs/brief was never swept');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.is((await short.rest('GET', 'jobs/lasting')).json.state, 'JOB_STATE_RUNNING');
    const audit = await short.rest(
      'GET',
      `auditEntries?target=${encodeURIComponent('jobs/brief')}&pageSize=20`,
    );
    const swept = (audit.json.auditEntries as Array<{ actor: string; details: Record<string, string> }>).find(
      (entry) => entry.details.state === 'deleted',
    );
    assert.is(swept?.actor, 'retention');
  } finally {
    await short.close();
  }
});

test.run();
