import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BadRequest, ErrorInfo, RetryInfo } from '../../../../src/gen/google/rpc/error_details.ts';
import { Status } from '../../../../src/gen/google/rpc/status.ts';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import { appErrorToServiceError } from '../../../../src/transport/grpc/index.ts';
import { appErrorToStatus } from '../../../../src/transport/rpc/index.ts';

test('ErrorInfo always carries the reason, the hcs domain and the metadata', () => {
  const status = appErrorToStatus(
    new AppError(Code.FAILED_PRECONDITION, 'DEVICE_OFFLINE', 'device "press-1" is offline', {
      metadata: { device: 'press-1' },
    }),
  );
  assert.is(status.code, Code.FAILED_PRECONDITION);
  assert.is(status.message, 'device "press-1" is offline');
  assert.is(status.details.length, 1);
  assert.is(status.details[0]?.typeUrl, 'type.googleapis.com/google.rpc.ErrorInfo');
  const info = ErrorInfo.decode(status.details[0]?.value ?? Buffer.alloc(0));
  assert.equal(info, { reason: 'DEVICE_OFFLINE', domain: 'hcs', metadata: { device: 'press-1' } });
});

test('field violations travel as google.rpc.BadRequest', () => {
  const status = appErrorToStatus(
    new AppError(Code.INVALID_ARGUMENT, 'INVALID_REQUEST', 'bad page size', {
      fieldViolations: [{ field: 'page_size', description: 'must be between 1 and 1000' }],
    }),
  );
  const detail = status.details.find((d) => d.typeUrl.endsWith('google.rpc.BadRequest'));
  assert.ok(detail);
  const badRequest = BadRequest.decode(detail.value);
  assert.is(badRequest.fieldViolations[0]?.field, 'page_size');
  assert.is(badRequest.fieldViolations[0]?.description, 'must be between 1 and 1000');
});

test('a retry hint travels as google.rpc.RetryInfo with exact seconds and nanos', () => {
  const status = appErrorToStatus(
    new AppError(Code.RESOURCE_EXHAUSTED, 'TOO_MANY_ATTEMPTS', 'slow down', { retryDelayMs: 2500 }),
  );
  const detail = status.details.find((d) => d.typeUrl.endsWith('google.rpc.RetryInfo'));
  assert.ok(detail);
  assert.equal(RetryInfo.decode(detail.value).retryDelay, { seconds: '2', nanos: 500_000_000 });
});

test('the service error has the code, the message, the trailers and grpc-status-details-bin', () => {
  const error = appErrorToServiceError(
    new AppError(Code.NOT_FOUND, 'USER_NOT_FOUND', 'user "bob" does not exist'),
    new Map([['x-request-id', 'r1']]),
  );
  assert.is(error.code, Code.NOT_FOUND);
  assert.is(error.details, 'user "bob" does not exist');
  assert.is(error.metadata?.get('x-request-id')[0], 'r1');
  const bytes = error.metadata?.get('grpc-status-details-bin')[0];
  assert.instance(bytes, Buffer);
  assert.is(Status.decode(bytes as Buffer).code, Code.NOT_FOUND);
});

test('AppError.from keeps an AppError and hides anything else behind INTERNAL', () => {
  const known = new AppError(Code.ABORTED, 'CONFLICT', 'try again');
  assert.is(AppError.from(known), known);
  const hidden = AppError.from(new RangeError('index 7 out of bounds in /srv/secret.ts'));
  assert.is(hidden.code, Code.INTERNAL);
  assert.is(hidden.message, 'internal error');
  assert.instance(hidden.cause, RangeError);
  assert.is(AppError.from('a string').code, Code.INTERNAL);
});

test.run();
