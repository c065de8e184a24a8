/**
 * The app the device benchmarks run: SQLite in `work`, every service, logging silent, and
 * `count` simulated thermo-hygrometers (`th-0`, `th-1`, …) answering at once (latency 0).
 * `HCS_DEVICES_RECORD_READINGS=false` in the environment leaves out the hand-off of readings to
 * analytics. `wrap` may stand in for the device service's module (to reach its procedures).
 */
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { createSimulatedAdapter } from '../src/hardware/adapters/simulated/index.ts';
import { loadConfig } from '../src/platform/config/index.ts';
import { deviceServiceWith } from '../src/services/devices/index.ts';
import { SERVICE_MODULES, type ServiceModule } from '../src/services/index.ts';
import { BENCH_SECRET } from './bench-token.ts';

export function createDevicesBenchApp(
  work: string,
  count: number,
  wrap: (module: ServiceModule) => ServiceModule = (module) => module,
) {
  const sim = createSimulatedAdapter({
    latencyMs: 0,
    devices: Array.from({ length: count }, (_, i) => ({
      id: `th-${i}`,
      model: 'thermo-hygrometer' as const,
    })),
  });
  const config = loadConfig({
    cwd: work,
    env: {
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: join(work, 'data'),
      HCS_SECRET_KEY: BENCH_SECRET,
      HCS_ADMIN_PASSWORD: 'bench-admin-password',
      HCS_DEVICES_ADAPTERS: 'simulated',
      HCS_DEVICES_RECORD_READINGS: process.env.HCS_DEVICES_RECORD_READINGS ?? 'true',
      HCS_LOG_LEVEL: 'silent',
    },
  });
  const devices = wrap(deviceServiceWith({ adapters: [sim] }));
  return createApp({
    config,
    logger: pino({ level: 'silent' }),
    services: SERVICE_MODULES.map((module) => (module.name === 'devices' ? devices : module)),
  });
}
