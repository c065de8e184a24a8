import { createRequire } from 'node:module';
import { status } from '@grpc/grpc-js';
import { grpcTimeoutMs, MAX_TIMER_MS } from '../rpc/index.ts';

/** The part of grpc-js's per-call object the patch replaces and reads. */
interface BaseCall {
  deadline: number;
  deadlineTimer: NodeJS.Timeout | null;
  handleTimeoutHeader(header: unknown): void;
  sendStatus(status: { code: number; details: string; metadata: null }): void;
}

let patched = false;

/**
 * Makes grpc-js honour deadlines 24.8 days away or more. grpc-js 1.14 reads `grpc-timeout` as
 * `(digits * unit) | 0` and hands that to `setTimeout`: past 2^31−1 ms the 32-bit truncation
 * wraps (a 30-day deadline became negative and the call ended at once with DEADLINE_EXCEEDED, a
 * 400-day one ended after ~2 days), and Node's timers cannot wait that long anyway. gRPC allows
 * 8 digits of hours. Shorter timeouts, and malformed ones (answered INVALID_ARGUMENT by
 * `clientMistakeInterceptor`), still go through grpc-js's own code; a far one gets the same
 * deadline and status, waited for in steps a timer can take.
 *
 * grpc-js has no option for it and its server interceptors run after the timer is set, so this
 * replaces `BaseServerInterceptingCall.prototype.handleTimeoutHeader`, once per process, and
 * throws at start if a grpc-js upgrade moved it (`tests/e2e/far-deadlines.test.ts` covers the
 * behaviour).
 */
export function honourFarDeadlines(): void {
  if (patched) return;
  const require = createRequire(import.meta.url);
  const { BaseServerInterceptingCall } = require('@grpc/grpc-js/build/src/server-interceptors.js') as {
    BaseServerInterceptingCall?: { prototype: BaseCall };
  };
  const prototype = BaseServerInterceptingCall?.prototype;
  const original = prototype?.handleTimeoutHeader;
  if (prototype === undefined || typeof original !== 'function') {
    throw new Error('@grpc/grpc-js changed: BaseServerInterceptingCall.handleTimeoutHeader not found');
  }
  prototype.handleTimeoutHeader = function handleTimeoutHeader(this: BaseCall, header: unknown) {
    const timeoutMs = grpcTimeoutMs(String(header));
    if (timeoutMs === undefined || timeoutMs <= MAX_TIMER_MS) {
      original.call(this, header);
      return;
    }
    this.deadline = Date.now() + timeoutMs;
    // grpc-js clears `deadlineTimer` when the call ends; it always holds the step now pending.
    const step = () => {
      const remaining = this.deadline - Date.now();
      if (remaining > 0) {
        this.deadlineTimer = setTimeout(step, Math.min(remaining, MAX_TIMER_MS));
        return;
      }
      this.sendStatus({ code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded', metadata: null });
    };
    step();
  };
  patched = true;
}
