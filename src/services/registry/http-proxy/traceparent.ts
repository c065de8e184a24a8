import { randomUUID } from 'node:crypto';

// W3C Trace Context level 1: version 00, 16-byte trace id, 8-byte parent id, flags.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_PARENT = '0'.repeat(16);

/**
 * The `traceparent` to send upstream: the caller's trace continued with a new parent id (the
 * proxy is a hop of its own), or a new sampled trace when the caller sent none or an invalid
 * one. `continued` says which, so `tracestate` is forwarded only with the trace it belongs to.
 */
export function nextTraceparent(incoming: string | undefined): { value: string; continued: boolean } {
  const match = incoming === undefined ? null : TRACEPARENT.exec(incoming.trim());
  // randomUUID draws from a pooled entropy buffer: far cheaper per request than randomBytes.
  const random = randomUUID().replaceAll('-', '');
  const spanId = random.slice(0, 16);
  if (match !== null && match[1] !== ZERO_TRACE && match[2] !== ZERO_PARENT) {
    return { value: `00-${match[1]}-${spanId}-${match[3]}`, continued: true };
  }
  const traceId = `${random.slice(16)}${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  return { value: `00-${traceId}-${spanId}-01`, continued: false };
}
