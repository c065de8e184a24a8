import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shareMessage } from '../../../../src/transport/rpc/index.ts';
import { encodeMessage } from '../../../../src/transport/rpc/shared-message.ts';

function countingSerializer() {
  let calls = 0;
  const serialize = (message: unknown) => {
    calls += 1;
    return Buffer.from(JSON.stringify(message));
  };
  return { serialize, calls: () => calls };
}

test('a shared message is encoded once, and every stream gets the same bytes', () => {
  const { serialize, calls } = countingSerializer();
  const message = shareMessage({ reason: 'added' });
  const first = encodeMessage(message, serialize);
  const again = Array.from({ length: 1000 }, () => encodeMessage(message, serialize));
  assert.is(calls(), 1);
  assert.ok(again.every((bytes) => bytes === first));
  assert.is(first.toString(), '{"reason":"added"}');
});

test('a message not shared is encoded every time, so a changed one is sent as it is now', () => {
  const { serialize, calls } = countingSerializer();
  const message = { reason: 'added' };
  encodeMessage(message, serialize);
  message.reason = 'changed';
  assert.is(encodeMessage(message, serialize).toString(), '{"reason":"changed"}');
  assert.is(calls(), 2);
});

test('a shared message cannot be changed after it was encoded', () => {
  const message = shareMessage({ reason: 'added' });
  assert.throws(() => {
    (message as { reason: string }).reason = 'changed';
  }, TypeError);
});

test.run();
