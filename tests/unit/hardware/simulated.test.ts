import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimulatedAdapter } from '../../../src/hardware/adapters/simulated/index.ts';
import { isHardwareError } from '../../../src/hardware/index.ts';
import { registerAdapterContract } from './adapter-contract.case.ts';
import { line, text } from './instrumented-adapter.ts';

registerAdapterContract('simulated', {
  async create() {
    const adapter = createSimulatedAdapter({ seed: 3 });
    return {
      adapter,
      deviceId: 'sim-relay-1',
      command: { data: line('SET 2 ON'), expect: (answer) => assert.is(text(answer), 'OK\n') },
      unplug: () => adapter.unplug('sim-relay-1'),
    };
  },
});

const never = () => new AbortController().signal;

/** Opens `deviceId` on a fresh adapter and returns a function that sends one line and reads one reply. */
async function session(deviceId: string, options: Parameters<typeof createSimulatedAdapter>[0] = {}) {
  const adapter = createSimulatedAdapter(options);
  await adapter.initialize();
  const connection = await adapter.open(deviceId, never());
  const ask = async (command: string) => {
    await connection.write(line(command), {}, never());
    return text(await connection.read({}, never())).replace(/\n$/, '');
  };
  return { adapter, connection, ask };
}

test('the same seed gives the same readings, another seed different ones', async () => {
  const readings = async (seed: number) => {
    const { ask } = await session('sim-th-1', { seed, now: () => 0 });
    const out: string[] = [];
    for (let i = 0; i < 50; i += 1) out.push(await ask('READ?'));
    return out;
  };
  const first = await readings(42);
  assert.equal(await readings(42), first);
  assert.not.equal(await readings(43), first);
  assert.ok(new Set(first).size > 10, 'readings are noisy');
});

test('the sensor answers numbers near its base values and drops out now and then', async () => {
  const { ask } = await session('sim-th-1', { seed: 5, now: () => 0 });
  const answers: string[] = [];
  for (let i = 0; i < 2000; i += 1) answers.push(await ask('T?'));
  const dropouts = answers.filter((answer) => answer === 'ERR DROPOUT').length;
  assert.ok(dropouts > 0 && dropouts < 60, `about 1 % dropouts, got ${dropouts}`);
  const values = answers.filter((answer) => answer !== 'ERR DROPOUT').map(Number);
  assert.ok(
    values.every((value) => Math.abs(value - 21.5) < 1),
    'temperatures stay near 21.5 °C',
  );
  const humidity = Number(await ask('H?'));
  assert.ok(humidity > 40 && humidity < 50, String(humidity));
});

test('relay outputs are stateful, read back, and survive reopening', async () => {
  const { adapter, ask, connection } = await session('sim-relay-1');
  assert.is(await ask('STATE?'), '00000000');
  assert.is(await ask('set 1 on'), 'OK', 'commands are case-insensitive');
  assert.is(await ask('SET 8 ON'), 'OK');
  assert.is(await ask('GET 1'), 'ON');
  assert.is(await ask('GET 2'), 'OFF');
  await connection.close();
  const again = await adapter.open('sim-relay-1', never());
  await again.write(line('STATE?'), {}, never());
  assert.is(text(await again.read({}, never())), '10000001\n');
});

test('relay board rejects bad channels and malformed commands', async () => {
  const { ask } = await session('sim-relay-1');
  for (const [command, reply] of [
    ['SET 0 ON', 'ERR BAD_CHANNEL'],
    ['SET 9 ON', 'ERR BAD_CHANNEL'],
    ['GET 99999999999999999999', 'ERR BAD_CHANNEL'],
    ['SET 1 MAYBE', 'ERR SYNTAX'],
    ['SET 1 ON; DROP TABLE devices', 'ERR SYNTAX'],
    ['SET\u00001 ON', 'ERR SYNTAX'],
    ['', 'ERR SYNTAX'],
    ['x'.repeat(10_000), 'ERR TOO_LONG'],
  ] as const) {
    assert.is(await ask(command), reply, JSON.stringify(command.slice(0, 40)));
  }
  assert.is(await ask('PING'), 'PONG', 'the line after a too-long one is read normally');
});

test('power supply: measured voltage follows the setpoint, current follows the load', async () => {
  let now = 0;
  const { ask } = await session('sim-psu-1', { now: () => now });
  assert.is(await ask('SET V 12'), 'OK');
  assert.is(await ask('SET I 2'), 'OK');
  assert.is(await ask('OUT ON'), 'OK');
  const early = Number(await ask('MEAS V?'));
  now += 5;
  const rising = Number(await ask('MEAS V?'));
  now += 500;
  const settled = Number(await ask('MEAS V?'));
  assert.ok(early < 0.1, `starts at 0 V, got ${early}`);
  assert.ok(rising > 1 && rising < 11, `rises with a lag, got ${rising}`);
  assert.ok(Math.abs(settled - 12) < 0.02, `settles at 12 V, got ${settled}`);
  const amps = Number(await ask('MEAS I?'));
  assert.ok(Math.abs(amps - 1.2) < 0.01, `12 V into 10 Ω is 1.2 A, got ${amps}`);
  assert.is(await ask('STAT?'), 'ON');
});

test('power supply trips to FAULT over its current limit and stays off until cleared', async () => {
  const { ask } = await session('sim-psu-1', { now: () => 0 });
  await ask('SET V 10');
  await ask('SET I 0.5');
  assert.is(await ask('OUT ON'), 'OK');
  assert.is(await ask('STAT?'), 'FAULT', '10 V into 10 Ω wants 1 A > 0.5 A');
  assert.is(await ask('OUT ON'), 'ERR FAULT');
  assert.is(await ask('CLR'), 'OK');
  assert.is(await ask('STAT?'), 'OFF');
  assert.is(await ask('SET V 31'), 'ERR RANGE');
  assert.is(await ask('SET V -1'), 'ERR RANGE');
  assert.is(await ask('SET V NaN'), 'ERR SYNTAX');
  assert.is(await ask('SET V 1e999'), 'ERR SYNTAX');
  assert.is(await ask('V?'), '10.000', 'a refused setting changes nothing');
});

test('every model answers PING and ID?', async () => {
  for (const id of ['sim-th-1', 'sim-relay-1', 'sim-psu-1']) {
    const { ask } = await session(id);
    assert.is(await ask('PING'), 'PONG');
    assert.match(await ask('ID?'), new RegExp(`^SIM-[A-Z0-9]+,${id}$`));
  }
});

test('injected I/O faults fail with IO_ERROR at the configured rate, deterministically', async () => {
  const outcomes = async () => {
    const { connection } = await session('sim-relay-1', { seed: 9, faults: { ioErrorRate: 0.3 } });
    const kinds: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      try {
        await connection.write(line('PING'), {}, never());
        kinds.push('ok');
      } catch (error) {
        kinds.push(isHardwareError(error) ? error.kind : 'other');
      }
    }
    return kinds;
  };
  const first = await outcomes();
  assert.equal(await outcomes(), first);
  const failures = first.filter((kind) => kind === 'IO_ERROR').length;
  assert.ok(failures > 30 && failures < 90, `about 30 % of 200, got ${failures}`);
  assert.ok(first.every((kind) => kind === 'ok' || kind === 'IO_ERROR'));
});

test('replies come after the configured latency, in order even with jitter', async () => {
  const { connection } = await session('sim-relay-1', { latencyMs: 30, jitterMs: 20 });
  await connection.write(line('SET 1 ON\nGET 1\nGET 2'), {}, never());
  const started = performance.now();
  const replies = [];
  for (let i = 0; i < 3; i += 1) replies.push(text(await connection.read({}, never())));
  assert.ok(performance.now() - started >= 25, 'the first reply waited for the latency');
  assert.equal(replies, ['OK\n', 'ON\n', 'OFF\n']);
});

test('bad options are refused with the field named', () => {
  const cases: Array<[Parameters<typeof createSimulatedAdapter>[0], RegExp]> = [
    [{ latencyMs: -1 }, /latencyMs/],
    [{ jitterMs: Number.NaN }, /jitterMs/],
    [{ faults: { ioErrorRate: 2 } }, /faults\.ioErrorRate/],
    [{ devices: [{ id: 'Bad Id', model: 'relay-board' }] }, /Bad Id/],
    [
      {
        devices: [
          { id: 'a', model: 'relay-board' },
          { id: 'a', model: 'relay-board' },
        ],
      },
      /"a"/,
    ],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => createSimulatedAdapter(options),
      (error: Error) => message.test(error.message),
    );
  }
});

test.run();
