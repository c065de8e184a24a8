import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { honourFarDeadlines } from '../../../../src/transport/grpc/far-deadlines.ts';

// The patched grpc-js method, run on a stand-in for grpc-js's per-call object with the timers
// captured: a deadline years away cannot be waited for in a test.

interface Status {
  code: number;
  details: string;
}

interface CallStandIn {
  deadline: number;
  deadlineTimer: unknown;
  sent: Status[];
  sendStatus(status: Status): void;
}

honourFarDeadlines();
const { BaseServerInterceptingCall } = createRequire(import.meta.url)(
  '@grpc/grpc-js/build/src/server-interceptors.js',
) as {
  BaseServerInterceptingCall: { prototype: { handleTimeoutHeader(this: CallStandIn, header: string): void } };
};
const handleTimeoutHeader = BaseServerInterceptingCall.prototype.handleTimeoutHeader;

function standIn(): CallStandIn {
  const sent: Status[] = [];
  return {
    deadline: Number.POSITIVE_INFINITY,
    deadlineTimer: null,
    sent,
    sendStatus: (status) => sent.push(status),
  };
}

/** Runs `work` with setTimeout recording its calls instead of scheduling them. */
function withCapturedTimers(work: () => void): { step: () => void; ms: number; handle: object }[] {
  const captured: { step: () => void; ms: number; handle: object }[] = [];
  const real = globalThis.setTimeout;
  globalThis.setTimeout = ((step: () => void, ms: number) => {
    const handle = { captured: captured.length };
    captured.push({ step, ms, handle });
    return handle;
  }) as unknown as typeof setTimeout;
  try {
    work();
  } finally {
    globalThis.setTimeout = real;
  }
  return captured;
}

test('a far deadline is kept whole and waited for in steps a Node timer can take', () => {
  const call = standIn();
  const before = Date.now();
  const [first] = withCapturedTimers(() => handleTimeoutHeader.call(call, '99999999H'));
  assert.ok(call.deadline >= before + 99_999_999 * 3_600_000);
  assert.is(first?.ms, 2 ** 31 - 1);
  assert.is(call.deadlineTimer, first?.handle, 'grpc-js clears the pending step when the call ends');
  // A step that finds the deadline still far arms the next one.
  const [second] = withCapturedTimers(() => first?.step());
  assert.is(second?.ms, 2 ** 31 - 1);
  assert.is(call.deadlineTimer, second?.handle);
  assert.equal(call.sent, []);
});

test('the last step ends the call with DEADLINE_EXCEEDED, as grpc-js does', () => {
  const call = standIn();
  const [first] = withCapturedTimers(() => handleTimeoutHeader.call(call, '30000000S'));
  call.deadline = Date.now() - 1;
  const next = withCapturedTimers(() => first?.step());
  assert.is(next.length, 0);
  assert.equal(call.sent, [{ code: 4, details: 'Deadline exceeded', metadata: null }]);
});

test("a timeout a Node timer can take, or a malformed one, still goes through grpc-js's own code", async () => {
  const call = standIn();
  const [timer] = withCapturedTimers(() => handleTimeoutHeader.call(call, '250m'));
  assert.is(timer?.ms, 250);
  const malformed = standIn();
  handleTimeoutHeader.call(malformed, '1h');
  await new Promise((resolve) => process.nextTick(resolve));
  assert.is(malformed.sent[0]?.code, 13, 'grpc-js answers INTERNAL, which hcs rewords per call');
});

test.run();
