/**
 * The app the device benchmarks run, from the compiled build: SQLite in `work`, every service, logging silent, and
 * `count` simulated thermo-hygrometers (`th-0`, `th-1`, …) answering at once (latency 0).
 * `HCS_DEVICES_RECORD_READINGS=false` in the environment leaves out the hand-off of readings to
 * analytics. `wrap` may stand in for the device service's module (to reach its procedures).
 */
import { join } from 'node:path';
import pino from 'pino';
import type { ServiceModule } from '../src/services/index.ts';
import { BENCH_SECRET } from './bench-token.ts';
import { loadCompiled } from './compiled.ts';

// From the compiled build, as production runs it (see compiled.ts).
const { createApp } = await loadCompiled<typeof import('../src/app.ts')>('app.js');
const { createSimulatedAdapter } = await loadCompiled<
  typeof import('../src/hardware/adapters/simulated/index.ts')
>('hardware/adapters/simulated/index.js');
const { loadConfig } =
  await loadCompiled<typeof import('../src/platform/config/index.ts')>('platform/config/index.js');
const { deviceServiceWith } =
  await loadCompiled<typeof import('../src/services/devices/index.ts')>('services/devices/index.js');
const { SERVICE_MODULES } =
  await loadCompiled<typeof import('../src/services/index.ts')>('services/index.js');

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
