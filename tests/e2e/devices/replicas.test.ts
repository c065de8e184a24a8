import { Metadata } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type CommandExecution,
  DeviceEventType,
  StreamDeviceEventsRequest,
  type StreamDeviceEventsResponse,
} from '../../../src/gen/hcs/v1/devices.ts';
import {
  createTestPostgresDatabase,
  postgresSuitesEnabled,
  type TestPostgresDatabase,
} from '../../helpers/postgres.ts';
import { deleteKeys, REDIS_URL, redisSuitesEnabled, uniquePrefix } from '../../helpers/redis.ts';
import { type DeviceBench, registerBench, startDeviceBench } from './device-fixtures.ts';

/**
 * Two hcs apps sharing the real PostgreSQL and Redis, each with its own simulated bench wired as
 * the same hardware: commands to one device from both replicas never overlap (the device lock),
 * events cross replicas, and only the node running an execution can cancel it.
 */
if ((await postgresSuitesEnabled('device replicas')) && (await redisSuitesEnabled('device replicas'))) {
  let database: TestPostgresDatabase;
  let prefix: string;
  let a: DeviceBench;
  let b: DeviceBench;

  test.before(async () => {
    database = await createTestPostgresDatabase();
    prefix = uniquePrefix();
    const env = {
      HCS_DATABASE_URL: database.url,
      HCS_REDIS_URL: REDIS_URL,
      HCS_REDIS_PREFIX: prefix,
      HCS_AUTO_MIGRATE: 'true',
      HCS_SECRET_KEY: 'device-replicas-test-secret-0123456789abcdef',
    };
    a = await startDeviceBench({ env });
    b = await startDeviceBench({ env });
    await registerBench(a);
  });

  test.after(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    await deleteKeys(prefix);
  });

  // The device lock is shared through Redis; a replica that fell back to memory (Redis slow or
  // away) no longer excludes the other one, which is what this names when the test fails.
  const sharedStateMoves = () =>
    [a, b].flatMap((bench, index) =>
      bench.app.logs
        .filter((line) => String(line.msg).startsWith('shared state'))
        .map((line) => `${index === 0 ? 'A' : 'B'}: ${String(line.msg)}`),
    );

  const run = (bench: DeviceBench, command: string) =>
    bench.rest('POST', 'devices/th-1:executeCommand', { command });

  test('commands to one device from two replicas never overlap, and each records its node', async () => {
    a.sim.setLatency('sim-th-1', 200);
    b.sim.setLatency('sim-th-1', 200);
    try {
      const answers = await Promise.all([
        run(a, 'read_temperature'),
        run(b, 'read_humidity'),
        run(a, 'ping'),
        run(b, 'ping'),
      ]);
      for (const answer of answers) assert.is(answer.status, 200, answer.text);
      const executions = answers
        .map(
          (answer) =>
            answer.json.execution as unknown as CommandExecution & { startTime: string; endTime: string },
        )
        .sort((x, y) => Date.parse(x.startTime) - Date.parse(y.startTime));
      for (let i = 1; i < executions.length; i += 1) {
        const previous = executions[i - 1] as { endTime: string };
        const next = executions[i] as { startTime: string };
        assert.ok(
          Date.parse(next.startTime) >= Date.parse(previous.endTime),
          `two replicas commanded th-1 at once: ${JSON.stringify(
            executions.map((e) => [e.node, e.startTime, e.endTime]),
          )}; shared-state moves: ${JSON.stringify(sharedStateMoves())}`,
        );
      }
      assert.is(new Set(executions.map((e) => e.node)).size, 2);
    } finally {
      a.sim.setLatency('sim-th-1', 0);
      b.sim.setLatency('sim-th-1', 0);
    }
  });

  test('a device locked through one replica refuses commands on the other within the bus delay, not the cache TTL', async () => {
    // Replica b has th-1 in memory from a command.
    assert.is((await run(b, 'ping')).status, 200);
    const device = await a.rest('GET', 'devices/th-1');
    const lock = await a.rest('PATCH', 'devices/th-1?updateMask=admin_state', {
      adminState: 'ADMIN_STATE_LOCKED',
      etag: device.json.etag,
    });
    assert.is(lock.status, 200, lock.text);
    try {
      const locked = Date.now();
      let refused = await run(b, 'ping');
      while (refused.status === 200 && Date.now() - locked < 2_000) refused = await run(b, 'ping');
      assert.is(refused.status, 400, refused.text);
      assert.match(refused.text, /DEVICE_LOCKED/);
    } finally {
      await a.rest('PATCH', 'devices/th-1?updateMask=admin_state', { adminState: 'ADMIN_STATE_UNLOCKED' });
    }
    // Unlocked through a, b sends again.
    const unlocked = Date.now();
    let sent = await run(b, 'ping');
    while (sent.status !== 200 && Date.now() - unlocked < 2_000) sent = await run(b, 'ping');
    assert.is(sent.status, 200, sent.text);
  });

  test('an execution on one replica is streamed by the other; only its own node can cancel it', async () => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${b.token}`);
    const call = b.client.streamDeviceEvents(
      StreamDeviceEventsRequest.fromPartial({
        devices: ['devices/psu-1'],
        eventTypes: [DeviceEventType.DEVICE_EVENT_TYPE_COMMAND_COMPLETED],
      }),
      metadata,
    );
    // The stream says SYNCED first, once it is live.
    const messages: StreamDeviceEventsResponse[] = [];
    const waiters: Array<() => void> = [];
    call.on('data', (message: StreamDeviceEventsResponse) => {
      messages.push(message);
      for (const waiter of waiters.splice(0)) waiter();
    });
    call.on('error', () => {});
    const first = (predicate: (message: StreamDeviceEventsResponse) => boolean) =>
      new Promise<StreamDeviceEventsResponse>((resolve) => {
        const check = () => {
          const found = messages.find(predicate);
          if (found === undefined) waiters.push(check);
          else resolve(found);
        };
        check();
      });
    const completed = first((m) => m.eventType === DeviceEventType.DEVICE_EVENT_TYPE_COMMAND_COMPLETED);
    await first(() => true);
    assert.is(messages[0]?.eventType, DeviceEventType.DEVICE_EVENT_TYPE_SYNCED);
    // Five seconds: B finds the execution running and tries to cancel it within them, however
    // loaded the host.
    a.sim.setLatency('sim-psu-1', 5000);
    try {
      const pending = a.rest('POST', 'devices/psu-1:executeCommand', {
        command: 'read_status',
        timeout: '20s',
      });
      let name = '';
      const deadline = Date.now() + 10_000;
      while (name === '' && Date.now() < deadline) {
        const listed = await b.rest('GET', 'devices/psu-1/commandExecutions');
        const running = (listed.json.commandExecutions as CommandExecution[] | undefined)?.find(
          (e) => (e.state as unknown) === 'COMMAND_EXECUTION_STATE_RUNNING',
        );
        name = running?.name ?? '';
      }
      const elsewhere = await b.rest('POST', `${name}:cancel`, {});
      assert.is(elsewhere.status, 400);
      assert.match(elsewhere.text, /EXECUTION_ELSEWHERE/);
      assert.is((await pending).status, 200);
      const event = await completed;
      assert.is(event.commandExecution?.name, name);
    } finally {
      a.sim.setLatency('sim-psu-1', 0);
      call.cancel();
    }
  });

  test.run();
}
