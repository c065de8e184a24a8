/**
 * The device service's own cost per command, without gRPC: the real app (SQLite, every service,
 * logging silent) with 20 simulated thermo-hygrometers answering at once, and `ExecuteCommand
 * read_temperature` called on the service's procedure in this process, `--callers` at a time
 * per device, as the gRPC binding calls it once a request is decoded and authenticated. Reports
 * commands/s and CPU time per command (everything the command does: profile check, execution
 * record, queue, lock, exchange, events, audit, group commit, analytics hand-off); run it
 * beside `bench/devices.ts` to see what the transport adds.
 *
 * Usage: npm run build && node --import tsx bench/devices-core.ts [--rounds 5] [--commands 20000] [--callers 8]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { CreateDeviceRequest, ExecuteCommandRequest } from '../src/gen/hcs/v1/devices.ts';
import { loadCompiled } from './compiled.ts';
import { createDevicesBenchApp } from './devices-app.ts';
import { median, pinThisProcess, SERVER_CPU } from './h2load.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    commands: { type: 'string', default: '20000' },
    callers: { type: 'string', default: '8' },
  },
});
const rounds = Math.min(20, Number(values.rounds));
const commands = Math.min(1_000_000, Number(values.commands));
const callers = Math.min(64, Number(values.callers));
const DEVICES = 20;

const { createCallContext } =
  await loadCompiled<typeof import('../src/transport/rpc/context.ts')>('transport/rpc/context.js');

pinThisProcess(SERVER_CPU);
const work = mkdtempSync(join(tmpdir(), 'hcs-bench-'));
// The device service's procedures, taken as the app makes them.
type Procedures = Record<string, (request: unknown, ctx: unknown) => Promise<unknown>>;
let procedures: Procedures | undefined;
const app = createDevicesBenchApp(work, DEVICES, (devicesModule) => ({
  ...devicesModule,
  create(deps) {
    const service = devicesModule.create(deps);
    procedures = service.procedures as unknown as Procedures;
    return service;
  },
}));
const logger = pino({ level: 'silent' });
await app.start();
if (procedures === undefined) throw new Error('the device service was not created');
const { createDevice, executeCommand } = procedures as Record<
  'createDevice' | 'executeCommand',
  (request: unknown, ctx: unknown) => Promise<unknown>
>;

function context(method: string) {
  const ctx = createCallContext({
    procedure: { service: 'hcs.v1.DeviceService', method } as never,
    transport: 'grpc',
    peer: () => '127.0.0.1:50000',
    requestHeaders: new Map([['user-agent', 'bench']]) as never,
    signal: () => new AbortController().signal,
    deadline: undefined,
    logger,
  });
  ctx.principal = { subject: 'users/bench', roles: ['admin'], scopes: ['*'], credential: 'bearer' } as never;
  return ctx;
}

for (let i = 0; i < DEVICES; i++) {
  await createDevice(
    CreateDeviceRequest.fromPartial({
      deviceId: `th-${i}`,
      device: {
        adapter: 'adapters/simulated',
        address: `th-${i}`,
        profile: 'deviceProfiles/sim-thermo-hygrometer',
      },
    }),
    context('CreateDevice'),
  );
}

const requests = Array.from({ length: DEVICES }, (_, i) =>
  ExecuteCommandRequest.fromPartial({ name: `devices/th-${i}`, command: 'read_temperature' }),
);

/** `total` commands over every device, `callers` in flight per device; rate and CPU per command. */
async function run(total: number): Promise<{ rate: number; cpuUs: number; failed: number }> {
  let left = total;
  let failed = 0;
  const caller = async (device: number) => {
    while (left > 0) {
      left -= 1;
      await executeCommand(requests[device], context('ExecuteCommand')).catch(() => {
        failed += 1; // the sensor's occasional dropout
      });
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: DEVICES * callers }, (_, i) => caller(i % DEVICES)));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: total / seconds, cpuUs: (used.user + used.system) / total, failed };
}

await run(Math.min(commands, 5000)); // warm-up: JIT, first opens
const results = [];
for (let round = 0; round < rounds; round++) results.push(await run(commands));
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ${rounds} rounds of ${commands} commands, ${DEVICES} devices x ${callers} callers`,
);
console.log(
  `commands/s ${median(results.map((r) => r.rate)).toFixed(0)} (${results.map((r) => r.rate.toFixed(0)).join(', ')}); ` +
    `CPU µs/command ${median(results.map((r) => r.cpuUs)).toFixed(1)} (${results.map((r) => r.cpuUs.toFixed(1)).join(', ')}); ` +
    `dropouts ${results.map((r) => r.failed).join(', ')}`,
);
await app.close();
rmSync(work, { recursive: true, force: true });
