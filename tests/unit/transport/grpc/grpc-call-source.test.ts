import { EventEmitter } from 'node:events';
import { Metadata } from '@grpc/grpc-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type AppError, Code } from '../../../../src/platform/errors/index.ts';
import { createLogger } from '../../../../src/platform/log/index.ts';
import { GrpcCallSource } from '../../../../src/transport/grpc/grpc-call-source.ts';
import { deadlineExceeded, type ProcedureInfo } from '../../../../src/transport/rpc/index.ts';

// The call as grpc-js hands it to a handler, reduced to what the source reads; grpc-js sets
// `cancelled` and emits 'cancelled' whenever the stream closes, answered or not.
class Call extends EventEmitter {
  cancelled = false;
  readonly metadata = new Metadata();
  constructor(readonly deadline: number) {
    super();
  }
  getPeer() {
    return '127.0.0.1:5000';
  }
  getDeadline() {
    return this.deadline;
  }
  close() {
    this.cancelled = true;
    this.emit('cancelled', 'cancelled');
  }
}

const procedure = { path: '/hcs.v1.AuthService/WhoAmI' } as ProcedureInfo;
const logger = createLogger({ level: 'silent' });

test('metadata reads as headers: the first text value, none for a binary key', () => {
  const call = new Call(Number.POSITIVE_INFINITY);
  call.metadata.add('x-tenant', 'a');
  call.metadata.add('x-tenant', 'b');
  call.metadata.add('x-trace-bin', Buffer.from([1, 2]));
  const source = new GrpcCallSource(call, procedure, logger);
  assert.is(source.requestHeaders.get('x-tenant'), 'a');
  assert.is(source.requestHeaders.get('x-trace-bin'), undefined);
  assert.is(source.requestHeaders.get('absent'), undefined);
  assert.is(source.deadline, undefined, 'an infinite deadline is none');
  assert.is(source.peer(), '127.0.0.1:5000');
});

test('the stream closing after an answer given before the deadline aborts nothing', () => {
  const call = new Call(Date.now() + 60_000);
  const source = new GrpcCallSource(call, procedure, logger);
  const signal = source.signal();
  source.answered();
  call.close();
  assert.is(signal.aborted, false);
});

test('a call answered with success aborts nothing when its stream closes, even past the deadline', () => {
  const call = new Call(Date.now() - 1);
  const source = new GrpcCallSource(call, procedure, logger);
  const signal = source.signal();
  source.answered();
  call.close();
  assert.is(signal.aborted, false);
});

test('a call the chain answered DEADLINE_EXCEEDED aborts with DEADLINE_EXCEEDED when its stream closes', () => {
  const call = new Call(Date.now() - 1);
  const source = new GrpcCallSource(call, procedure, logger);
  const signal = source.signal();
  // The chain gave up at the deadline; the procedure still runs and must be told.
  source.answered(deadlineExceeded());
  call.close();
  assert.is(signal.aborted, true);
  assert.is((signal.reason as AppError).code, Code.DEADLINE_EXCEEDED);
});

test("a procedure's own DEADLINE_EXCEEDED before the call's deadline is an answer like any other", () => {
  const call = new Call(Date.now() + 60_000);
  const source = new GrpcCallSource(call, procedure, logger);
  const signal = source.signal();
  source.answered(deadlineExceeded());
  call.close();
  assert.is(signal.aborted, false);
});

test('a client going away before the answer aborts with CANCELLED; a signal read later is born aborted', () => {
  const call = new Call(Date.now() + 60_000);
  const source = new GrpcCallSource(call, procedure, logger);
  const early = source.signal();
  call.close();
  assert.is(early.aborted, true);
  assert.is((early.reason as AppError).code, Code.CANCELLED);
  const late = new GrpcCallSource(call, procedure, logger).signal();
  assert.is(late.aborted, true);
  assert.is((late.reason as AppError).code, Code.CANCELLED);
});

test.run();
