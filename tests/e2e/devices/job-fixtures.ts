import { Metadata } from '@grpc/grpc-js';
import { WatchJobRequest, type WatchJobResponse } from '../../../src/gen/hcs/v1/devices.ts';
import type { DeviceBench } from './device-fixtures.ts';

/** A job as the REST gateway answers it, as far as the job tests read it. */
export interface JobJson {
  name: string;
  state: string;
  progressPercent?: number;
  error?: { code: number; message: string };
  stepResults: StepResultJson[];
}

/** One step result of {@link JobJson}. */
export interface StepResultJson {
  state: string;
  attempts?: number;
  commandExecution?: string;
  readings?: Array<{ resource: string; value: { stringValue?: string; doubleValue?: number } }>;
  error?: { code: number; message: string };
  groupResults?: StepResultJson[];
}

/** Every event of `WatchJob` on `name` over gRPC, until the stream ends with the job. */
export async function watchJobEvents(bench: DeviceBench, name: string): Promise<WatchJobResponse[]> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${bench.token}`);
  const call = bench.client.watchJob(WatchJobRequest.fromPartial({ name }), metadata);
  const events: WatchJobResponse[] = [];
  await new Promise<void>((resolve, reject) => {
    call.on('data', (event: WatchJobResponse) => events.push(event));
    call.on('end', resolve);
    call.on('error', reject);
  });
  return events;
}

/** Reads the job until `done` holds for it (15 s at most). */
export async function jobWhen(
  bench: DeviceBench,
  name: string,
  done: (job: JobJson) => boolean,
): Promise<JobJson> {
  const deadline = Date.now() + 15_000;
  let job: JobJson | undefined;
  while (Date.now() < deadline) {
    job = (await bench.rest('GET', name)).json as unknown as JobJson;
    if (done(job)) return job;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${name} never reached the expected state; last: ${JSON.stringify(job)}`);
}

/** Reads the job until it is neither QUEUED nor RUNNING. */
export function jobEnded(bench: DeviceBench, name: string): Promise<JobJson> {
  return jobWhen(bench, name, (job) => !['JOB_STATE_QUEUED', 'JOB_STATE_RUNNING'].includes(job.state));
}

/** A command step switching one relay of relay-1. */
export const setRelay = (channel: number, on: boolean) => ({
  device: 'devices/relay-1',
  command: 'set_relay',
  parameters: { channel: { intValue: String(channel) }, on: { boolValue: on } },
});
