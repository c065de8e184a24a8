import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import { SERVICE_MODULES } from '../../../../src/services/index.ts';
import { createJsonCodec } from '../../../../src/transport/gateway/json-codec.ts';
import {
  appErrorToStatus,
  createProcedureTable,
  defineService,
  loadContract,
  type Procedure,
} from '../../../../src/transport/rpc/index.ts';

const contract = loadContract();
const table = createProcedureTable({
  contract,
  services: SERVICE_MODULES.map((module) => defineService(module.definition, {})),
  interceptors: [],
});
const codec = createJsonCodec(contract.registry);
const procedure = (path: string): Procedure => {
  const found = table.get(path);
  if (found === undefined) throw new Error(path);
  return found;
};
const updateDevice = procedure('/hcs.v1.DeviceService/UpdateDevice');
const getDevice = procedure('/hcs.v1.DeviceService/GetDevice');

function invalid(json: unknown): AppError {
  try {
    codec.requestFromJson(updateDevice, json as never);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

test('reads lowerCamelCase and original field names, enums by name or number, well-known types', () => {
  const request = codec.requestFromJson(updateDevice, {
    device: {
      name: 'devices/press-1',
      displayName: 'Press 1',
      admin_state: 'ADMIN_STATE_LOCKED',
      labels: { line: 'a' },
    },
    updateMask: 'displayName,adminState',
  }) as {
    device: { name: string; displayName: string; adminState: number; labels: Record<string, string> };
    updateMask: string[];
  };
  assert.is(request.device.name, 'devices/press-1');
  assert.is(request.device.displayName, 'Press 1');
  assert.ok(request.device.adminState > 0);
  assert.equal(request.device.labels, { line: 'a' });
  assert.equal(request.updateMask, ['display_name', 'admin_state']);
  const byNumber = codec.requestFromJson(updateDevice, {
    device: { adminState: request.device.adminState },
  }) as typeof request;
  assert.is(byNumber.device.adminState, request.device.adminState);
});

const rejected: [string, unknown, string, RegExp][] = [
  ['an unknown field', { device: { nmae: 'x' } }, 'device.nmae', /unknown field "nmae" in device/],
  ['an unknown top-level field', { bogus: 1 }, 'bogus', /unknown field "bogus"/],
  ['a string where an object belongs', { device: 'devices/x' }, 'device', /field device: /],
  [
    'an enum name that does not exist',
    { device: { adminState: 'OPEN' } },
    'device.admin_state',
    /AdminState/,
  ],
  ['a malformed timestamp', { device: { createTime: 'yesterday' } }, 'device.create_time', /RFC 3339/],
  ['a number in a string map', { device: { labels: { a: 1 } } }, 'device.labels', /expected string/],
  ['a string where a list belongs', { updateMask: 7 }, 'update_mask', /update_mask/],
];

for (const [name, json, field, message] of rejected) {
  test(`rejects ${name} as INVALID_ARGUMENT naming "${field}"`, () => {
    const error = invalid(json);
    assert.is(error.code, Code.INVALID_ARGUMENT);
    assert.match(error.message, message);
    assert.is(error.details.fieldViolations?.[0]?.field, field);
  });
}

test('writes lowerCamelCase with defaults and RFC 3339 timestamps', () => {
  const empty = getDevice.decode(new Uint8Array()) as Record<string, unknown>;
  const response = {
    ...empty,
    device: {
      ...(codec.requestFromJson(updateDevice, { device: { name: 'devices/a' } }) as { device: object })
        .device,
      createTime: new Date('2026-01-02T03:04:05.678Z'),
    },
  };
  const json = JSON.parse(codec.responseToJsonText(getDevice, response)) as {
    device: Record<string, unknown>;
  };
  assert.is(json.device.name, 'devices/a');
  assert.is(json.device.createTime, '2026-01-02T03:04:05.678Z');
  assert.is(json.device.displayName, '', 'defaults are emitted');
  assert.is(json.device.adminState, 'ADMIN_STATE_UNSPECIFIED');
  assert.equal(
    JSON.parse(codec.responseToJsonText(getDevice, response, 'device')),
    json.device,
    'a response_body field is written alone',
  );
  assert.is(codec.responseToJsonText(getDevice, empty, 'device'), 'null', 'an unset response_body field');
});

test('a response holding a google.protobuf.Any is written through reflection, details typed', () => {
  const listSecurityEvents = procedure('/hcs.v1.AuthService/ListSecurityEvents');
  const status = appErrorToStatus(new AppError(Code.PERMISSION_DENIED, 'PERMISSION_DENIED', 'no'));
  const response = {
    auditEntries: [
      {
        ...(listSecurityEvents.decode(new Uint8Array()) as object),
        name: 'auditEntries/1',
        eventTime: new Date('2026-01-02T03:04:05Z'),
        actor: 'users/ada',
        action: 'auth.denied',
        category: 0,
        target: '',
        outcome: 0,
        status,
        clientAddress: '',
        requestId: 'r1',
        userAgent: '',
        details: { method: '/x' },
      },
    ],
    nextPageToken: 'next',
  };
  const json = JSON.parse(codec.responseToJsonText(listSecurityEvents, response)) as {
    auditEntries: { eventTime: string; status: { details: Record<string, unknown>[] } }[];
    nextPageToken: string;
  };
  assert.is(json.nextPageToken, 'next');
  assert.is(json.auditEntries[0]?.eventTime, '2026-01-02T03:04:05Z');
  assert.is(json.auditEntries[0]?.status.details[0]?.['@type'], 'type.googleapis.com/google.rpc.ErrorInfo');
  assert.equal(
    JSON.parse(codec.responseToJsonText(listSecurityEvents, response, 'audit_entries')),
    json.auditEntries,
  );
});

test('renders google.rpc.Status with typed details', () => {
  const status = appErrorToStatus(
    new AppError(Code.INVALID_ARGUMENT, 'INVALID_REQUEST', 'bad', {
      fieldViolations: [{ field: 'x', description: 'y' }],
    }),
  );
  const json = codec.statusToJson(status) as {
    code: number;
    message: string;
    details: Record<string, unknown>[];
  };
  assert.is(json.code, 3);
  assert.is(json.message, 'bad');
  assert.is(json.details[0]?.['@type'], 'type.googleapis.com/google.rpc.ErrorInfo');
  assert.is(json.details[0]?.reason, 'INVALID_REQUEST');
  assert.is(json.details[1]?.['@type'], 'type.googleapis.com/google.rpc.BadRequest');
});

test.run();
