import { once } from 'node:events';
import {
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  Metadata,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  type UntypedHandleCall,
} from '@grpc/grpc-js';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import {
  type CallContext,
  createCallContext,
  logFaultOnce,
  type Procedure,
  REQUEST_ID_HEADER,
  readFirst,
  responseHeadersOf,
  responseTrailersOf,
} from '../rpc/index.ts';
import { GrpcCallSource } from './grpc-call-source.ts';
import { headersToMetadata } from './metadata-headers.ts';
import { appErrorToServiceError } from './status-details.ts';

/** What every bound handler needs besides its procedure. */
export interface BindOptions {
  logger: Logger;
}

type AnyCall =
  | ServerUnaryCall<Buffer, Buffer>
  | ServerWritableStream<Buffer, Buffer>
  | ServerReadableStream<Buffer, Buffer>
  | ServerDuplexStream<Buffer, Buffer>;

/**
 * Turns a procedure into a grpc-js handler. The service is registered with identity
 * (de)serializers and messages are decoded and encoded here: an undecodable request is
 * INVALID_ARGUMENT (grpc-js itself would answer INTERNAL), and a response that cannot be
 * encoded is an INTERNAL error logged with its cause under the request id.
 */
export function bindProcedure(procedure: Procedure, options: BindOptions): UntypedHandleCall {
  switch (procedure.kind) {
    case 'unary':
      return bindUnary(procedure, options);
    case 'server_streaming':
      return bindServerStreaming(procedure, options);
    case 'client_streaming':
      return bindClientStreaming(procedure, options);
    case 'bidi_streaming':
      return bindBidiStreaming(procedure, options);
  }
}

function bindUnary(procedure: Procedure, options: BindOptions): handleUnaryCall<Buffer, Buffer> {
  return function handleUnary(call, callback) {
    const source = new GrpcCallSource(call, procedure, options.logger);
    const ctx = createCallContext(source);
    let input: unknown;
    try {
      input = decode(procedure, call.request);
    } catch (error) {
      source.answered(error);
      callback(toServiceError(error, ctx, options));
      return;
    }
    procedure.invoke(input, ctx).then(
      (output) => {
        source.answered();
        respond(call, callback, procedure, ctx, output, options);
      },
      (error: unknown) => {
        source.answered(error);
        callback(toServiceError(error, ctx, options));
      },
    );
  };
}

function bindServerStreaming(
  procedure: Procedure,
  options: BindOptions,
): handleServerStreamingCall<Buffer, Buffer> {
  return function handleServerStreaming(call) {
    const source = new GrpcCallSource(call, procedure, options.logger);
    const ctx = createCallContext(source);
    void (async () => {
      try {
        const input = decode(procedure, call.request);
        const output = (await procedure.invoke(input, ctx)) as AsyncIterable<unknown>;
        await writeAll(call, output, procedure, ctx, sendHeaders(call, ctx));
        source.answered();
        call.end(trailersOf(ctx));
      } catch (error) {
        source.answered(error);
        call.emit('error', toServiceError(logEncodingFailure(error, ctx, options), ctx, options));
      }
    })();
  };
}

function bindClientStreaming(
  procedure: Procedure,
  options: BindOptions,
): handleClientStreamingCall<Buffer, Buffer> {
  return function handleClientStreaming(call, callback) {
    const source = new GrpcCallSource(call, procedure, options.logger);
    const ctx = createCallContext(source);
    readFirst(decodeStream(procedure, call))
      .then((input) => procedure.invoke(input, ctx))
      .then(
        (output) => {
          source.answered();
          respond(call, callback, procedure, ctx, output, options);
        },
        (error: unknown) => {
          source.answered(error);
          callback(toServiceError(error, ctx, options));
        },
      );
  };
}

function bindBidiStreaming(
  procedure: Procedure,
  options: BindOptions,
): handleBidiStreamingCall<Buffer, Buffer> {
  return function handleBidiStreaming(call) {
    const source = new GrpcCallSource(call, procedure, options.logger);
    const ctx = createCallContext(source);
    void (async () => {
      try {
        const output = (await procedure.invoke(decodeStream(procedure, call), ctx)) as AsyncIterable<unknown>;
        await writeAll(call, output, procedure, ctx, sendHeaders(call, ctx));
        source.answered();
        call.end(trailersOf(ctx));
      } catch (error) {
        source.answered(error);
        call.emit('error', toServiceError(logEncodingFailure(error, ctx, options), ctx, options));
      }
    })();
  };
}

class EncodingError extends Error {
  override readonly name = 'EncodingError';
}

function encode(procedure: Procedure, message: unknown): Buffer {
  try {
    return procedure.encode(message);
  } catch (error) {
    throw new EncodingError(`cannot encode ${procedure.outputType}`, { cause: error });
  }
}

// An encoding failure happens after the chain logged the call as OK, so it is logged here.
function logEncodingFailure(error: unknown, ctx: CallContext, options: BindOptions): unknown {
  if (!(error instanceof EncodingError)) return error;
  const fault = AppError.from(error);
  const fields = { requestId: ctx.requestId, method: ctx.procedure.path };
  logFaultOnce(fault, options.logger, fields, 'response could not be encoded');
  return fault;
}

function respond(
  call: AnyCall,
  callback: sendUnaryData<Buffer>,
  procedure: Procedure,
  ctx: CallContext,
  output: unknown,
  options: BindOptions,
): void {
  let bytes: Buffer;
  try {
    bytes = encode(procedure, output);
  } catch (error) {
    callback(toServiceError(logEncodingFailure(error, ctx, options), ctx, options));
    return;
  }
  sendHeaders(call, ctx);
  callback(null, bytes, trailersOf(ctx));
}

function decode(procedure: Procedure, bytes: Buffer): unknown {
  try {
    return procedure.decode(bytes);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      Code.INVALID_ARGUMENT,
      PlatformReason.INVALID_REQUEST,
      `the request is not a valid ${procedure.inputType} message: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

// A request stream that ends without its end (the client went away, or grpc-js already answered
// the call, e.g. RESOURCE_EXHAUSTED for an oversized message) is a cancellation, not a fault.
// Read by hand, not with for-await: leaving a for-await on an undecodable message would destroy
// the call's stream, and a bidi call's status would then never be sent.
async function* decodeStream(procedure: Procedure, call: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  const messages = call[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await messages.next();
      if (next.done === true) return;
      yield decode(procedure, next.value as Buffer);
    }
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    throw new AppError(Code.CANCELLED, PlatformReason.CANCELLED, 'the request stream ended before its end');
  }
}

// Honours back-pressure: a slow client slows the producer instead of growing the send buffer.
// Headers a stream sets while producing its first message go out with that message (a raw
// download knows its ETag and length only once it opened the file), unless some were sent
// already when the call began.
async function writeAll(
  call: ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>,
  messages: AsyncIterable<unknown>,
  procedure: Procedure,
  ctx: CallContext,
  headersSent: boolean,
): Promise<void> {
  const { signal } = ctx;
  let sent = headersSent;
  for await (const message of messages) {
    if (signal.aborted) return;
    if (!sent) sent = sendHeaders(call, ctx);
    if (!call.write(encode(procedure, message))) await once(call, 'drain', { signal }).catch(() => undefined);
  }
}

// True when headers went out (there were some to send).
function sendHeaders(call: AnyCall, ctx: CallContext): boolean {
  const headers = responseHeadersOf(ctx);
  if (headers.size === 0) return false;
  call.sendMetadata(headersToMetadata(headers, new Metadata()));
  return true;
}

// The request id is echoed on failures only (as a trailer, with the status): that is when a
// client needs it to find the server's log lines, and echoing it on every success costs a
// metadata merge per call, several percent of a small call's CPU.
function trailersOf(ctx: CallContext): Metadata | undefined {
  const trailers = responseTrailersOf(ctx);
  return trailers.size > 0 ? headersToMetadata(trailers, new Metadata()) : undefined;
}

function toServiceError(error: unknown, ctx: CallContext, options: BindOptions) {
  const appError = AppError.from(error);
  logFaultOnce(appError, options.logger, { requestId: ctx.requestId, method: ctx.procedure.path });
  const trailers = new Map(responseTrailersOf(ctx));
  if (ctx.requestId !== '') trailers.set(REQUEST_ID_HEADER, ctx.requestId);
  return appErrorToServiceError(appError, trailers);
}
