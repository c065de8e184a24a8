import type { Metadata } from '@grpc/grpc-js';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import {
  type CallContextInit,
  deadlineExceeded,
  type ProcedureInfo,
  type RequestHeaders,
} from '../rpc/index.ts';

/**
 * How early a Node timer may fire against `Date.now()` (its clock is monotonic and rounded to
 * whole milliseconds): grpc-js's deadline timer closing the stream a moment before the deadline
 * still means the deadline, not the client, ended the call.
 */
const TIMER_EARLINESS_MS = 5;

/** What the source reads of a grpc-js server call, of any of the four shapes. */
export interface GrpcCall {
  readonly metadata: Metadata;
  /** Set by grpc-js before it emits `cancelled`. */
  readonly cancelled: boolean;
  getPeer(): string;
  getDeadline(): Date | number;
  once(event: 'cancelled', listener: () => void): unknown;
}

/**
 * A grpc-js call as what its {@link CallContextInit context} is made from: the request metadata
 * read as headers, the peer and the cancellation signal made only when something asks. One object
 * a call with its methods on the prototype: a closure per value made for every call costs a small
 * call allocation, and the bundle names each closure as it is created.
 *
 * {@link answered} marks the call answered: grpc-js emits `cancelled` whenever the stream closes,
 * and a close after the answer is no cancellation, unless that answer was DEADLINE_EXCEEDED. The
 * chain answers so at the deadline without waiting for the procedure (see the deadline
 * interceptor), which must still be told to stop; grpc-js's own deadline timer, which would tell
 * it, is the later of the two as often as not.
 */
export class GrpcCallSource implements CallContextInit, RequestHeaders {
  readonly transport = 'grpc';
  /** The source reads the metadata itself. */
  readonly requestHeaders: RequestHeaders = this;
  readonly procedure: ProcedureInfo;
  readonly logger: Logger;
  readonly deadline: number | undefined;
  readonly #call: GrpcCall;
  /** Set by an answer the procedure gave; a DEADLINE_EXCEEDED the chain gave leaves it unset. */
  #answered = false;

  constructor(call: GrpcCall, procedure: ProcedureInfo, logger: Logger) {
    this.#call = call;
    this.procedure = procedure;
    this.logger = logger;
    this.deadline = deadlineOf(call);
  }

  /** The first text value of a metadata key (names are lower-case). */
  get(name: string): string | undefined {
    const value = this.#call.metadata.get(name)[0];
    return typeof value === 'string' ? value : undefined;
  }

  peer(): string {
    return this.#call.getPeer();
  }

  // Asked for on first use of `ctx.signal`, and only then is the call watched: a listener on
  // every call cost a small call ~1 µs (adding it, and removing it when grpc-js emits
  // 'cancelled'). grpc-js sets `cancelled` before emitting, so a signal asked for after the
  // cancellation is born aborted.
  signal(): AbortSignal {
    const controller = new AbortController();
    if (this.#call.cancelled) {
      if (!this.#answered) controller.abort(this.#cancellation());
    } else {
      this.#call.once('cancelled', () => {
        if (!this.#answered) controller.abort(this.#cancellation());
      });
    }
    return controller.signal;
  }

  /**
   * Marks the call answered with `outcome` (the error sent, if it failed): a later close of its
   * stream is no cancellation, unless the call was answered DEADLINE_EXCEEDED at its deadline.
   */
  answered(outcome?: unknown): void {
    // A procedure's own DEADLINE_EXCEEDED (its device timed out) before the call's deadline is
    // an answer like any other.
    this.#answered = !(
      outcome instanceof AppError &&
      outcome.code === Code.DEADLINE_EXCEEDED &&
      this.#deadlinePassed()
    );
  }

  #deadlinePassed(): boolean {
    return this.deadline !== undefined && this.deadline - Date.now() <= TIMER_EARLINESS_MS;
  }

  #cancellation(): AppError {
    return this.#deadlinePassed()
      ? deadlineExceeded()
      : new AppError(Code.CANCELLED, PlatformReason.CANCELLED, 'the call was cancelled by the client');
  }
}

function deadlineOf(call: GrpcCall): number | undefined {
  const deadline = call.getDeadline();
  if (deadline instanceof Date) return deadline.getTime();
  return Number.isFinite(deadline) ? deadline : undefined;
}
