import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grpcTimeoutMs } from '../../../../src/transport/rpc/index.ts';

test('every unit of the gRPC spec, up to 8 digits of hours', () => {
  assert.is(grpcTimeoutMs('2H'), 7_200_000);
  assert.is(grpcTimeoutMs('3M'), 180_000);
  assert.is(grpcTimeoutMs('5S'), 5000);
  assert.is(grpcTimeoutMs('250m'), 250);
  assert.is(grpcTimeoutMs('1500u'), 1.5);
  assert.is(grpcTimeoutMs('2000000n'), 2);
  assert.is(grpcTimeoutMs('99999999H'), 99_999_999 * 3_600_000);
});

test('anything else is no timeout', () => {
  for (const value of ['', '5', 'S', '1h', '123456789S', ' 5S', '5 S', '5S ', '-5S', '5.5S', 'abc']) {
    assert.is(grpcTimeoutMs(value), undefined, value);
  }
});

test.run();
