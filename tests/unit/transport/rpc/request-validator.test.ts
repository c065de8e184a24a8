import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import { loadContract } from '../../../../src/transport/rpc/index.ts';
import { createRequestValidator } from '../../../../src/transport/rpc/request-validator.ts';
import { delimited, number, text, seconds as time, varint } from '../../../helpers/wire-bytes.ts';

const test = suite('request validator');
const validatorFor = createRequestValidator(loadContract().registry);

const SECURITY_EVENTS = 'hcs.v1.ListSecurityEventsRequest';
const CREATE_USER = 'hcs.v1.CreateUserRequest';
const RUN_COMMAND = 'hcs.v1.RunCommandRequest';

const accepted: { name: string; type: string; bytes: number[] }[] = [
  { name: 'an empty message', type: SECURITY_EVENTS, bytes: [] },
  { name: 'UTF-8 text', type: SECURITY_EVENTS, bytes: delimited(3, text('users/zoë 😀')) },
  {
    name: 'the first and last instants of a Timestamp',
    type: SECURITY_EVENTS,
    bytes: [...delimited(7, time(-62_135_596_800n)), ...delimited(8, time(253_402_300_799n, 999_999_999n))],
  },
  {
    name: 'the extreme Durations',
    type: RUN_COMMAND,
    bytes: delimited(3, time(-315_576_000_000n, -999_999_999n)),
  },
  {
    name: 'an unknown field of any wire type',
    type: SECURITY_EVENTS,
    bytes: [...number(99, 5n), ...delimited(98, [0xff, 0x00])],
  },
  {
    name: 'a string field sent with another wire type (skipped, as the decoder does)',
    type: SECURITY_EVENTS,
    bytes: number(3, 1n),
  },
];

const refused: { name: string; type: string; bytes: number[]; field?: string; message: string }[] = [
  {
    name: 'invalid UTF-8',
    type: SECURITY_EVENTS,
    bytes: delimited(3, [0x61, 0xff, 0x62]),
    field: 'actor',
    message: 'field actor is not valid UTF-8',
  },
  {
    name: 'an encoded surrogate',
    type: SECURITY_EVENTS,
    bytes: delimited(3, [0xed, 0xa0, 0x80]),
    field: 'actor',
    message: 'not valid UTF-8',
  },
  {
    name: 'a NUL character',
    type: SECURITY_EVENTS,
    bytes: delimited(6, text('a\u0000b')),
    field: 'target',
    message: 'field target must not contain a NUL character',
  },
  {
    name: 'a NUL in a nested repeated string',
    type: CREATE_USER,
    bytes: delimited(1, [...delimited(4, text('viewer')), ...delimited(4, text('\u0000'))]),
    field: 'user.roles[1]',
    message: 'NUL',
  },
  {
    name: 'a NUL in a map key',
    type: RUN_COMMAND,
    bytes: delimited(2, [...delimited(1, text('a\u0000')), ...delimited(2, text('v'))]),
    field: 'arguments',
    message: 'NUL',
  },
  {
    name: 'invalid UTF-8 in a map value',
    type: RUN_COMMAND,
    bytes: delimited(2, [...delimited(1, text('k')), ...delimited(2, [0xc0, 0x80])]),
    field: 'arguments',
    message: 'UTF-8',
  },
  {
    name: 'Timestamp seconds of 2^62',
    type: SECURITY_EVENTS,
    bytes: delimited(7, time(2n ** 62n)),
    field: 'start_time',
    message: 'outside the range of a Timestamp',
  },
  {
    name: 'a Timestamp before year 1',
    type: SECURITY_EVENTS,
    bytes: delimited(8, time(-62_135_596_801n)),
    field: 'end_time',
    message: 'Timestamp',
  },
  {
    name: 'negative Timestamp nanos',
    type: SECURITY_EVENTS,
    bytes: delimited(7, time(0n, -1n)),
    field: 'start_time',
    message: 'Timestamp',
  },
  {
    name: 'Timestamp nanos of a second or more',
    type: SECURITY_EVENTS,
    bytes: delimited(7, time(0n, 1_000_000_000n)),
    field: 'start_time',
    message: 'Timestamp',
  },
  {
    name: 'a Duration over 10 000 years',
    type: RUN_COMMAND,
    bytes: delimited(3, time(315_576_000_001n)),
    field: 'timeout',
    message: 'outside the range of a Duration',
  },
  {
    name: 'Duration nanos of the other sign',
    type: RUN_COMMAND,
    bytes: delimited(3, time(1n, -1n)),
    field: 'timeout',
    message: 'Duration',
  },
  {
    name: 'truncated bytes',
    type: SECURITY_EVENTS,
    bytes: [0xff, 0xff, 0xff, 0xff],
    message: 'not a valid hcs.v1.ListSecurityEventsRequest message',
  },
  {
    name: 'a length past the end',
    type: SECURITY_EVENTS,
    bytes: [0x1a, 0x7f, 0x61],
    message: 'runs past the end',
  },
  {
    name: 'a huge length',
    type: SECURITY_EVENTS,
    bytes: [0x1a, ...varint(2n ** 62n)],
    message: 'runs past the end',
  },
  {
    name: 'field number 0',
    type: SECURITY_EVENTS,
    bytes: [0x00, 0x00],
    message: 'field number 0 is invalid',
  },
  { name: 'wire type 7', type: SECURITY_EVENTS, bytes: [0x0f, 0x00], message: 'wire type 7 is invalid' },
  { name: 'an end of group with no group', type: SECURITY_EVENTS, bytes: [0x0c], message: 'end of group' },
];

for (const { name, type, bytes } of accepted) {
  test(`accepts ${name}`, () => {
    validatorFor(type)(Uint8Array.from(bytes));
  });
}

for (const { name, type, bytes, field, message } of refused) {
  test(`refuses ${name} with INVALID_ARGUMENT`, () => {
    let caught: unknown;
    try {
      validatorFor(type)(Uint8Array.from(bytes));
    } catch (error) {
      caught = error;
    }
    assert.instance(caught, AppError);
    const error = caught as AppError;
    assert.is(error.code, Code.INVALID_ARGUMENT);
    assert.match(error.message, message);
    assert.is(error.details.fieldViolations?.[0]?.field, field);
  });
}

test('refuses messages nested deeper than 100', () => {
  // No hcs request is recursive; descriptor.proto's DescriptorProto is (nested_type = 3).
  let bytes: number[] = [];
  for (let i = 0; i < 150; i++) bytes = delimited(3, bytes);
  assert.throws(
    () => validatorFor('google.protobuf.DescriptorProto')(Uint8Array.from(bytes)),
    /nested more than 100/,
  );
});

test.run();
