import type { ServerInterceptingCall, ServerInterceptor, StatusObject } from '@grpc/grpc-js';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import { appErrorToServiceError } from './status-details.ts';

/**
 * The statuses grpc-js 1.14 sends on its own, before any handler runs, for what is a client's
 * mistake, and the INVALID_ARGUMENT hcs answers instead (`build/src/server-interceptors.js`,
 * `BaseServerInterceptingCall`):
 *
 * - `handleTimeoutHeader`: a `grpc-timeout` that is not 1-8 digits and a unit (`abc`, `1h`);
 * - `decompressMessage`: a compressed message that does not inflate under its `grpc-encoding`;
 * - `decompressAndMaybePush`: a message the method's deserializer cannot read. hcs's own
 *   services take raw bytes and decode them in `bind-procedure.ts`; this covers health and
 *   reflection, whose deserializers belong to their libraries.
 *
 * grpc-js has no option for these codes, and its server interceptors do not see them: the base
 * call writes them to the stream from its own `sendStatus`. An interceptor does get that base
 * call first, though, before any of these is sent (the timeout's status waits a tick, the
 * others wait for the body), so it replaces `sendStatus` on that one call object. Matching is
 * on grpc-js's own wording; `tests/e2e/bad-input/client-mistakes.test.ts` fails if an upgrade
 * changes it. Out of hcs's power: a malformed HTTP/2 frame or header block is refused by Node's
 * HTTP/2 layer (a stream or connection reset), before grpc-js sees a call at all.
 */
const REWORDED: readonly { grpcJs: RegExp; message: string }[] = [
  {
    grpcJs: /^Invalid grpc-timeout value/,
    message: 'the grpc-timeout header must be 1 to 8 digits and a unit (H, M, S, m, u or n)',
  },
  {
    grpcJs: /^Failed to decompress message/,
    message: 'the request message cannot be decompressed with the grpc-encoding it names',
  },
  {
    grpcJs: /^Error deserializing request/,
    message: 'the request is not a valid message of the method it was sent to',
  },
];

/** A server interceptor answering INVALID_ARGUMENT where grpc-js would blame itself (INTERNAL). */
export function clientMistakeInterceptor(): ServerInterceptor {
  return function reclassifyClientMistakes(_method, call) {
    const base = call as unknown as { sendStatus(status: Partial<StatusObject>): void };
    const sendStatus = base.sendStatus;
    base.sendStatus = function sendStatusOrClientMistake(status) {
      sendStatus.call(this, asClientMistake(status) ?? status);
    };
    return call as ServerInterceptingCall;
  };
}

function asClientMistake(status: Partial<StatusObject>): Partial<StatusObject> | undefined {
  if (status.code !== Code.INTERNAL || status.details === undefined) return undefined;
  const details = status.details;
  const reworded = REWORDED.find(({ grpcJs }) => grpcJs.test(details));
  if (reworded === undefined) return undefined;
  const error = new AppError(Code.INVALID_ARGUMENT, PlatformReason.INVALID_REQUEST, reworded.message);
  return appErrorToServiceError(error, new Map()) as Partial<StatusObject>;
}
