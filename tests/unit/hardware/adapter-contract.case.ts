/**
 * The adapter contract: every adapter must pass these (Hono's `common.case.test.ts` pattern).
 * Each adapter's test file calls {@link registerAdapterContract} with a fixture factory; a
 * native adapter's fixture injects a fake of its native library at the boundary.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Adapter,
  type HardwareErrorKind,
  type IoRequest,
  isHardwareError,
  type PresenceEvent,
} from '../../../src/hardware/index.ts';
import { eventually, timeoutSignal } from './instrumented-adapter.ts';

/** One adapter under test with a device on which a write is answered by one read. */
export interface AdapterFixture {
  adapter: Adapter;
  deviceId: string;
  /** A write the device answers, the requests to use, and a check of the answer. */
  command: { data: Uint8Array; write?: IoRequest; read?: IoRequest; expect: (answer: Uint8Array) => void };
  /** Removes the device as the OS would on unplug (native fakes: the device vanishes mid-read). */
  unplug(): void;
  teardown?(): Promise<void>;
}

export interface AdapterContractFactory {
  create(): Promise<AdapterFixture>;
}

async function rejectsWith(work: Promise<unknown>, kind: HardwareErrorKind, what: string): Promise<void> {
  try {
    await work;
  } catch (error) {
    assert.ok(isHardwareError(error), `${what}: expected a HardwareError, got ${String(error)}`);
    assert.is(error.kind, kind, `${what}: ${error.message}`);
    return;
  }
  assert.unreachable(`${what}: expected ${kind}, it resolved`);
}

const never = () => new AbortController().signal;

export function registerAdapterContract(name: string, factory: AdapterContractFactory): void {
  const test = suite(`adapter contract: ${name}`);
  let fixture: AdapterFixture | undefined;
  const setUp = async () => {
    fixture = await factory.create();
    return fixture;
  };
  test.after.each(async () => {
    await fixture?.adapter.stop({ force: true });
    await fixture?.teardown?.();
    fixture = undefined;
  });

  test('reports itself unavailable until initialized, then available', async () => {
    const { adapter } = await setUp();
    const before = adapter.available();
    assert.is(before.ok, false);
    if (!before.ok) assert.is(before.reason, 'NOT_INITIALIZED');
    await adapter.initialize();
    assert.equal(adapter.available(), { ok: true });
  });

  test('discovers the device with a stable id, usable, attributes as strings', async () => {
    const { adapter, deviceId } = await setUp();
    await adapter.initialize();
    const first = await adapter.discover(never());
    const second = await adapter.discover(never());
    const device = first.find((candidate) => candidate.id === deviceId);
    assert.ok(device, `discovery lists ${deviceId}`);
    assert.equal(
      second.map((d) => d.id),
      first.map((d) => d.id),
    );
    assert.equal(device.availability, { ok: true });
    for (const value of Object.values(device.attributes)) assert.type(value, 'string');
  });

  test('opening an unknown device is DEVICE_ABSENT', async () => {
    const { adapter } = await setUp();
    await adapter.initialize();
    await rejectsWith(adapter.open('no-such-device', never()), 'DEVICE_ABSENT', 'open');
  });

  test('a written command is answered by the next read', async () => {
    const { adapter, deviceId, command } = await setUp();
    await adapter.initialize();
    const connection = await adapter.open(deviceId, never());
    await connection.write(command.data, command.write ?? {}, never());
    command.expect(await connection.read(command.read ?? {}, never()));
    await connection.close();
  });

  test('a read given an aborted signal is CANCELLED; one timed out is TIMEOUT', async () => {
    const { adapter, deviceId, command } = await setUp();
    await adapter.initialize();
    const connection = await adapter.open(deviceId, never());
    const aborted = new AbortController();
    aborted.abort();
    await rejectsWith(connection.read(command.read ?? {}, aborted.signal), 'CANCELLED', 'aborted read');
    await rejectsWith(connection.read(command.read ?? {}, timeoutSignal(30)), 'TIMEOUT', 'timed-out read');
    await connection.close();
  });

  test('aborting a waiting read rejects it CANCELLED and the connection still works', async () => {
    const { adapter, deviceId, command } = await setUp();
    await adapter.initialize();
    const connection = await adapter.open(deviceId, never());
    const controller = new AbortController();
    const waiting = connection.read(command.read ?? {}, controller.signal);
    waiting.catch(() => {}); // asserted below; not an unhandled rejection meanwhile
    setTimeout(() => controller.abort(), 20);
    await rejectsWith(waiting, 'CANCELLED', 'aborted read');
    await connection.write(command.data, command.write ?? {}, never());
    command.expect(await connection.read(command.read ?? {}, never()));
    await connection.close();
  });

  test('close with a read in flight rejects that read CANCELLED; close is idempotent', async () => {
    const { adapter, deviceId, command } = await setUp();
    await adapter.initialize();
    const connection = await adapter.open(deviceId, never());
    const waiting = connection.read(command.read ?? {}, never());
    waiting.catch(() => {}); // asserted below; not an unhandled rejection meanwhile
    await new Promise((resolve) => setTimeout(resolve, 20));
    await connection.close();
    await rejectsWith(waiting, 'CANCELLED', 'read in flight at close');
    await connection.close();
    await rejectsWith(
      connection.write(command.data, command.write ?? {}, never()),
      'CANCELLED',
      'write after close',
    );
  });

  test('unplugged mid-read: the read fails DEVICE_ABSENT and the device is gone', async () => {
    const { adapter, deviceId, command, unplug } = await setUp();
    await adapter.initialize();
    const events: PresenceEvent[] = [];
    await adapter.start((event) => events.push(event));
    const connection = await adapter.open(deviceId, never());
    const waiting = connection.read(command.read ?? {}, never());
    waiting.catch(() => {}); // asserted below; not an unhandled rejection meanwhile
    await new Promise((resolve) => setTimeout(resolve, 20));
    unplug();
    await rejectsWith(waiting, 'DEVICE_ABSENT', 'read in flight at unplug');
    await connection.close();
    await rejectsWith(adapter.open(deviceId, never()), 'DEVICE_ABSENT', 'open after unplug');
    const listed = await adapter.discover(never());
    assert.not.ok(
      listed.some((device) => device.id === deviceId),
      'discovery no longer lists it',
    );
    if (adapter.presence === 'events') {
      await eventually(
        () => events.some((e) => e.type === 'detach' && e.device.id === deviceId),
        'detach event',
      );
    }
  });

  test('stop with force ends reads in flight', async () => {
    const { adapter, deviceId, command } = await setUp();
    await adapter.initialize();
    const connection = await adapter.open(deviceId, never());
    const waiting = connection.read(command.read ?? {}, never());
    waiting.catch(() => {}); // asserted below; not an unhandled rejection meanwhile
    await new Promise((resolve) => setTimeout(resolve, 20));
    await adapter.stop({ force: true });
    try {
      await waiting;
      assert.unreachable('the read resolved after stop');
    } catch (error) {
      assert.ok(isHardwareError(error), String(error));
      assert.ok(['CANCELLED', 'UNAVAILABLE'].includes(error.kind), error.kind);
    }
  });

  test.run();
}
