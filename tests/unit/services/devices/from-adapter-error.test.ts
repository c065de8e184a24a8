import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HardwareError, HardwareErrorKind } from '../../../../src/hardware/index.ts';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import { fromAdapterError } from '../../../../src/services/devices/from-adapter-error.ts';

const table: Array<[HardwareErrorKind, Code, string]> = [
  [HardwareErrorKind.TIMEOUT, Code.DEADLINE_EXCEEDED, 'TIMEOUT'],
  [HardwareErrorKind.QUEUE_FULL, Code.RESOURCE_EXHAUSTED, 'QUEUE_FULL'],
  [HardwareErrorKind.DEVICE_ABSENT, Code.FAILED_PRECONDITION, 'DEVICE_ABSENT'],
  [HardwareErrorKind.DEVICE_DOWN, Code.UNAVAILABLE, 'DEVICE_DOWN'],
  [HardwareErrorKind.DEVICE_BUSY, Code.UNAVAILABLE, 'DEVICE_BUSY'],
  [HardwareErrorKind.DRIVER_MISSING, Code.UNAVAILABLE, 'ADAPTER_UNAVAILABLE'],
  [HardwareErrorKind.PERMISSION_DENIED, Code.FAILED_PRECONDITION, 'ADAPTER_UNAVAILABLE'],
  [HardwareErrorKind.NOT_ALLOWED, Code.FAILED_PRECONDITION, 'ADAPTER_UNAVAILABLE'],
  [HardwareErrorKind.IO_ERROR, Code.UNAVAILABLE, 'IO_ERROR'],
  [HardwareErrorKind.CANCELLED, Code.CANCELLED, 'CANCELLED_BY_CALLER'],
  [HardwareErrorKind.INVALID_REQUEST, Code.INVALID_ARGUMENT, 'NOT_SUPPORTED'],
  [HardwareErrorKind.NOT_SUPPORTED, Code.FAILED_PRECONDITION, 'NOT_SUPPORTED'],
  [HardwareErrorKind.OUT_OF_RANGE, Code.OUT_OF_RANGE, 'INVALID_REPLY'],
  [HardwareErrorKind.INVALID_VALUE, Code.UNKNOWN, 'INVALID_REPLY'],
  [HardwareErrorKind.UNAVAILABLE, Code.UNAVAILABLE, 'HARDWARE_UNAVAILABLE'],
];

test('every hardware error kind has a status code and reason, and none becomes INTERNAL', () => {
  assert.equal(table.map(([kind]) => kind).sort(), Object.values(HardwareErrorKind).sort());
  for (const [kind, code, reason] of table) {
    const error = fromAdapterError(new HardwareError(kind, `adapter said ${kind}`));
    assert.is(error.code, code, kind);
    assert.is(error.reason, reason, kind);
    assert.is(error.message, `adapter said ${kind}`);
  }
});

test('an error that is not a HardwareError is an I/O failure; an AppError passes through', () => {
  assert.is(fromAdapterError(new Error('EIO')).reason, 'IO_ERROR');
  const own = new AppError(Code.NOT_FOUND, 'X', 'x');
  assert.is(fromAdapterError(own), own);
});

test.run();
