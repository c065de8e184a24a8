import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Code } from '../../../../src/platform/errors/index.ts';
import { codeToHttpStatus } from '../../../../src/transport/gateway/http-status.ts';

const table: [keyof typeof Code, number][] = [
  ['OK', 200],
  ['CANCELLED', 499],
  ['UNKNOWN', 500],
  ['INVALID_ARGUMENT', 400],
  ['DEADLINE_EXCEEDED', 504],
  ['NOT_FOUND', 404],
  ['ALREADY_EXISTS', 409],
  ['PERMISSION_DENIED', 403],
  ['RESOURCE_EXHAUSTED', 429],
  ['FAILED_PRECONDITION', 400],
  ['ABORTED', 409],
  ['OUT_OF_RANGE', 400],
  ['UNIMPLEMENTED', 501],
  ['INTERNAL', 500],
  ['UNAVAILABLE', 503],
  ['DATA_LOSS', 500],
  ['UNAUTHENTICATED', 401],
];

for (const [name, status] of table) {
  test(`${name} is HTTP ${status}`, () => {
    assert.is(codeToHttpStatus(Code[name]), status);
  });
}

test('every gRPC code has a status', () => {
  assert.is(table.length, Object.keys(Code).length);
});

test('a number outside the gRPC set is 500', () => {
  assert.is(codeToHttpStatus(99), 500);
});

test.run();
