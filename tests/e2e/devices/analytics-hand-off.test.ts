import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  AnalyticsServiceClient,
  ListSeriesRequest,
  type ListSeriesResponse,
  QuerySamplesRequest,
  type QuerySamplesResponse,
  type Series,
} from '../../../src/gen/hcs/v1/analytics.ts';
import {
  ExecuteCommandRequest,
  type ExecuteCommandResponse,
  GetReadingsRequest,
  type GetReadingsResponse,
} from '../../../src/gen/hcs/v1/devices.ts';
import { analyticsService } from '../../../src/services/analytics/index.ts';
import { deviceService } from '../../../src/services/devices/index.ts';
import type { ServiceModule } from '../../../src/services/index.ts';
import { startTestApp } from '../../helpers/app.ts';
import { TEST_CHANNEL_OPTIONS } from '../../helpers/channel-options.ts';
import { type DeviceBench, startDeviceBench } from './device-fixtures.ts';

/** The bench's devices: a thermo-hygrometer polled every 100 ms, a power supply and a relay board. */
async function registerDevices(bench: DeviceBench): Promise<void> {
  for (const [id, address, profile, properties] of [
    [
      'th-polled',
      'sim-th-1',
      'sim-thermo-hygrometer',
      { poll_command: 'read_temperature', poll_interval: '100ms' },
    ],
    ['psu-1', 'sim-psu-1', 'sim-power-supply', {}],
    ['relay-1', 'sim-relay-1', 'sim-relay-board', {}],
  ] as const) {
    const answer = await bench.rest('POST', 'devices', {
      deviceId: id,
      device: {
        adapter: 'adapters/simulated',
        address,
        profile: `deviceProfiles/${profile}`,
        protocolProperties: properties,
      },
    });
    if (answer.status !== 200) throw new Error(`registering ${id}: ${answer.status} ${answer.text}`);
  }
}

/** Unary AnalyticsService calls over gRPC with the bench's admin token. */
function analyticsOf(bench: DeviceBench) {
  const client = new AnalyticsServiceClient(
    bench.app.grpcTarget,
    credentials.createInsecure(),
    TEST_CHANNEL_OPTIONS,
  );
  const call = <Req, Res>(method: 'listSeries' | 'querySamples', request: Req) =>
    new Promise<Res>((resolve, reject) => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${bench.token}`);
      (
        client[method] as unknown as (
          r: Req,
          m: Metadata,
          cb: (e: ServiceError | null, r: Res) => void,
        ) => void
      ).call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response)));
    });
  return {
    /** Every series linked to `devices/{device}`. */
    seriesOf: async (device: string): Promise<Series[]> =>
      (
        await call<ListSeriesRequest, ListSeriesResponse>(
          'listSeries',
          ListSeriesRequest.fromPartial({ device: `devices/${device}`, pageSize: 100 }),
        )
      ).series,
    /** Every sample of a series as [epoch ms, value]. */
    samplesOf: async (name: string): Promise<[number, number][]> =>
      (
        await call<QuerySamplesRequest, QuerySamplesResponse>(
          'querySamples',
          QuerySamplesRequest.fromPartial({ name, pageSize: 1000 }),
        )
      ).samples.map((s) => [s.sampleTime?.getTime() ?? Number.NaN, s.value]),
    close: () => client.close(),
  };
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function latestReading(bench: DeviceBench, device: string, resource: string) {
  const { response, error } = await bench.grpc<GetReadingsRequest, GetReadingsResponse>(
    'getReadings',
    GetReadingsRequest.fromPartial({ device: `devices/${device}` }),
  );
  if (error) throw error;
  return response?.readings.find((r) => r.resource === resource);
}

async function execute(bench: DeviceBench, device: string, command: string) {
  const { response, error } = await bench.grpc<ExecuteCommandRequest, ExecuteCommandResponse>(
    'executeCommand',
    ExecuteCommandRequest.fromPartial({ name: `devices/${device}`, command }),
  );
  if (error) throw error;
  return response as ExecuteCommandResponse;
}

/** Waits until the polled device has been read again `polls` times after now. */
async function morePolls(bench: DeviceBench, polls: number): Promise<void> {
  let last = (await latestReading(bench, 'th-polled', 'temperature'))?.readTime?.getTime() ?? 0;
  for (let seen = 0; seen < polls; seen++) {
    last = await eventually(async () => {
      const time = (await latestReading(bench, 'th-polled', 'temperature'))?.readTime?.getTime();
      return time !== undefined && time > last ? time : undefined;
    }, 'another poll');
  }
}

let bench: DeviceBench;
let analytics: ReturnType<typeof analyticsOf>;

test.before(async () => {
  bench = await startDeviceBench();
  analytics = analyticsOf(bench);
  await registerDevices(bench);
});
test.after(async () => {
  analytics?.close();
  await bench?.close();
});

test("a polled sensor's readings become samples of its series (metric = resource, label device, unit, device link)", async () => {
  const series = await eventually(
    async () => (await analytics.seriesOf('th-polled')).find((s) => s.metric === 'temperature'),
    'the temperature series',
  );
  assert.equal(series.labels, { device: 'th-polled' });
  assert.is(series.unit, 'Cel');
  assert.is(series.device, 'devices/th-polled');
  // The reading GetReadings shows is one of the samples, at its read time, with its value.
  await morePolls(bench, 1);
  const reading = await latestReading(bench, 'th-polled', 'temperature');
  const expected: [number, number] = [reading?.readTime?.getTime() ?? 0, reading?.value?.doubleValue ?? 0];
  const samples = await eventually(
    async () => {
      const all = await analytics.samplesOf(series.name);
      return all.some(([t, v]) => t === expected[0] && v === expected[1]) ? all : undefined;
    },
    `sample ${expected.join(' ')} in ${series.name}`,
  );
  assert.ok(samples.length >= 2, `several polls recorded, got ${samples.length}`);
  // Only the polled command's resource: humidity is never read by read_temperature.
  assert.equal(
    (await analytics.seriesOf('th-polled')).map((s) => s.metric),
    ['temperature'],
  );
});

test('numeric readings returned by a command are recorded; strings and booleans are not', async () => {
  const voltage = (await execute(bench, 'psu-1', 'measure_voltage')).readings[0];
  assert.is(voltage?.resource, 'measured_voltage');
  const status = (await execute(bench, 'psu-1', 'read_status')).readings[0];
  assert.is(status?.resource, 'status');
  assert.type(status?.value?.stringValue, 'string');
  await execute(bench, 'relay-1', 'read_relays');
  const series = await eventually(
    async () => (await analytics.seriesOf('psu-1')).find((s) => s.metric === 'measured_voltage'),
    'the measured_voltage series',
  );
  assert.is(series.unit, 'V');
  assert.equal(series.labels, { device: 'psu-1' });
  const samples = await eventually(async () => {
    const all = await analytics.samplesOf(series.name);
    return all.length > 0 ? all : undefined;
  }, 'the voltage sample');
  assert.equal(samples, [[voltage?.readTime?.getTime(), voltage?.value?.doubleValue]]);
  // Both commands' readings were handed on in order, so the string one would be in by now.
  assert.equal(
    (await analytics.seriesOf('psu-1')).map((s) => s.metric),
    ['measured_voltage'],
  );
  assert.equal(await analytics.seriesOf('relay-1'), []);
});

test('analytics records from before the first reading devices take to after the last: it starts before them and closes after', async () => {
  // A reading handed on while no recorder is attached is lost: one polled while analytics was
  // still starting, or after it had closed and the devices had not.
  const lifecycle: string[] = [];
  const observed = (module: ServiceModule): ServiceModule => ({
    ...module,
    create(dependencies) {
      const service = module.create(dependencies);
      return {
        ...service,
        async start() {
          lifecycle.push(`${module.name} start`);
          await service.start?.();
        },
        async close() {
          lifecycle.push(`${module.name} close`);
          await service.close?.();
        },
      };
    },
  });
  const app = await startTestApp({ modules: [observed(analyticsService), observed(deviceService)] });
  await app.close();
  assert.equal(lifecycle, ['analytics start', 'devices start', 'devices close', 'analytics close']);
});

test('with HCS_DEVICES_RECORD_READINGS=false nothing is recorded, polled or commanded', async () => {
  const off = await startDeviceBench({ env: { HCS_DEVICES_RECORD_READINGS: 'false' } });
  const offAnalytics = analyticsOf(off);
  try {
    await registerDevices(off);
    await execute(off, 'psu-1', 'measure_voltage');
    // Polls keep coming and readings are kept. With recording on, the first reading would be a
    // sample some 200 ms later (the hand-off gathers that long); six more polls take 600 ms.
    await eventually(() => latestReading(off, 'th-polled', 'temperature'), 'a polled reading');
    await morePolls(off, 6);
    assert.equal(await offAnalytics.seriesOf('th-polled'), []);
    assert.equal(await offAnalytics.seriesOf('psu-1'), []);
  } finally {
    offAnalytics.close();
    await off.close();
  }
});

test.run();
