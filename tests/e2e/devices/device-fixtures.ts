import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { DeviceServiceClient } from '../../../src/gen/hcs/v1/devices.ts';
import {
  createSimulatedAdapter,
  type SimulatedAdapter,
} from '../../../src/hardware/adapters/simulated/index.ts';
import type { Adapter } from '../../../src/hardware/index.ts';
import { deviceServiceWith } from '../../../src/services/devices/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { TEST_CHANNEL_OPTIONS } from '../../helpers/channel-options.ts';
import { statusDetails } from '../../helpers/grpc-client.ts';
import { fetchAnswer, type HttpAnswer } from '../../helpers/http.ts';

/** A test app serving DeviceService over a simulated bench the test controls. */
export interface DeviceBench {
  app: TestApp;
  sim: SimulatedAdapter;
  token: string;
  client: DeviceServiceClient;
  /** One unary gRPC call: its response, or its error with the decoded status details. */
  grpc<Req, Res>(method: keyof DeviceServiceClient, request: Req): Promise<GrpcOutcome<Res>>;
  /** One REST call with the admin's token. */
  rest(method: string, path: string, body?: unknown): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** What a unary call returned. */
export interface GrpcOutcome<Res> {
  response: Res | undefined;
  error: ServiceError | undefined;
  details: ReturnType<typeof statusDetails>;
}

/** Starts the app with a fresh simulated bench (one of each instrument, seed 7), and `adapters` beside it. */
export async function startDeviceBench(
  options: { env?: Record<string, string>; sim?: SimulatedAdapter; node?: string; adapters?: Adapter[] } = {},
): Promise<DeviceBench> {
  const sim = options.sim ?? createSimulatedAdapter({ seed: 7 });
  const adapters = [sim, ...(options.adapters ?? [])];
  const app = await startTestApp({
    modules: [deviceServiceWith({ adapters, ...(options.node ? { node: options.node } : {}) })],
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  const token = await app.adminToken();
  const client = new DeviceServiceClient(app.grpcTarget, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
  const metadata = () => {
    const m = new Metadata();
    m.set('authorization', `Bearer ${token}`);
    return m;
  };
  return {
    app,
    sim,
    token,
    client,
    grpc<Req, Res>(method: keyof DeviceServiceClient, request: Req) {
      return new Promise<GrpcOutcome<Res>>((resolve) => {
        const call = client[method] as unknown as (
          request: Req,
          metadata: Metadata,
          callback: (error: ServiceError | null, response: Res) => void,
        ) => void;
        call.call(client, request, metadata(), (error, response) =>
          resolve({
            response: error ? undefined : response,
            error: error ?? undefined,
            details: statusDetails(error ?? undefined),
          }),
        );
      });
    },
    rest(method, path, body) {
      return fetchAnswer(`${app.httpBase}/api/v1/${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
    async close() {
      client.close();
      await app.close();
    },
  };
}

/** Registers the bench's three instruments as devices th-1, relay-1 and psu-1 over REST. */
export async function registerBench(bench: DeviceBench): Promise<void> {
  for (const [id, address, profile] of [
    ['th-1', 'sim-th-1', 'sim-thermo-hygrometer'],
    ['relay-1', 'sim-relay-1', 'sim-relay-board'],
    ['psu-1', 'sim-psu-1', 'sim-power-supply'],
  ] as const) {
    const answer = await bench.rest('POST', 'devices', {
      deviceId: id,
      device: {
        adapter: 'adapters/simulated',
        address,
        profile: `deviceProfiles/${profile}`,
        labels: { bench: 'a' },
      },
    });
    if (answer.status !== 200) throw new Error(`registering ${id}: ${answer.status} ${answer.text}`);
  }
}
