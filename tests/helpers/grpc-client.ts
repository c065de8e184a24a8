import {
  Client,
  credentials,
  InterceptingCall,
  type Interceptor,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { BadRequest, ErrorInfo, RetryInfo } from '../../src/gen/google/rpc/error_details.ts';
import { Status } from '../../src/gen/google/rpc/status.ts';
import { TEST_CHANNEL_OPTIONS } from './channel-options.ts';

/** The outcome of one raw unary call. */
export interface RawResult {
  error: ServiceError | undefined;
  response: Buffer | undefined;
  headers: Metadata | undefined;
  trailers: Metadata | undefined;
}

const identity = (value: Buffer) => value;

/**
 * A grpc-js client that sends and receives raw bytes, for any method path. With `bearer`, every
 * call carries `authorization: Bearer <bearer>` (a client interceptor, as a real client does it).
 */
export function rawClient(target: string, bearer?: string): Client {
  if (bearer === undefined) return new Client(target, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
  const withToken: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        if (metadata.get('authorization').length === 0) metadata.set('authorization', `Bearer ${bearer}`);
        next(metadata, listener);
      },
    });
  return new Client(target, credentials.createInsecure(), {
    ...TEST_CHANNEL_OPTIONS,
    interceptors: [withToken],
  });
}

/** Makes one unary call with raw request bytes. */
export function callRaw(
  client: Client,
  path: string,
  request: Buffer = Buffer.alloc(0),
  metadata: Metadata = new Metadata(),
  deadlineMs = 10_000,
): Promise<RawResult> {
  return new Promise((resolve) => {
    let headers: Metadata | undefined;
    let outcome: { error: ServiceError | undefined; response: Buffer | undefined } | undefined;
    let trailers: Metadata | undefined;
    // grpc-js calls back before it emits 'status' (the trailers): wait for both.
    const settle = () => {
      if (outcome !== undefined && trailers !== undefined) resolve({ ...outcome, headers, trailers });
    };
    const call = client.makeUnaryRequest(
      path,
      identity,
      identity,
      request,
      metadata,
      { deadline: Date.now() + deadlineMs },
      (error, response) => {
        outcome = { error: error ?? undefined, response };
        settle();
      },
    );
    call.on('metadata', (m) => {
      headers = m;
    });
    call.on('status', (s) => {
      trailers = s.metadata;
      settle();
    });
  });
}

/** Opens a server-streaming call with raw bytes and collects its messages and final status. */
export function streamRaw(
  client: Client,
  path: string,
  request: Buffer = Buffer.alloc(0),
  metadata: Metadata = new Metadata(),
) {
  return new Promise<{ messages: Buffer[]; error: ServiceError | undefined }>((resolve) => {
    const messages: Buffer[] = [];
    const call = client.makeServerStreamRequest(path, identity, identity, request, metadata, {
      deadline: Date.now() + 10_000,
    });
    call.on('data', (message: Buffer) => messages.push(message));
    call.on('error', (error: ServiceError) => resolve({ messages, error }));
    call.on('end', () => resolve({ messages, error: undefined }));
  });
}

/** Opens a client-streaming call, sends the given raw messages, and resolves with the outcome. */
export function clientStreamRaw(
  client: Client,
  path: string,
  messages: Buffer[],
  metadata: Metadata = new Metadata(),
) {
  return new Promise<{ error: ServiceError | undefined; response: Buffer | undefined }>((resolve) => {
    const call = client.makeClientStreamRequest(
      path,
      identity,
      identity,
      metadata,
      { deadline: Date.now() + 10_000 },
      (error, response) => resolve({ error: error ?? undefined, response }),
    );
    for (const message of messages) call.write(message);
    call.end();
  });
}

/** Decodes `grpc-status-details-bin` the way a client of the richer error model does. */
export function statusDetails(error: ServiceError | undefined) {
  const bytes = error?.metadata.get('grpc-status-details-bin')[0];
  if (!(bytes instanceof Buffer)) return undefined;
  const status = Status.decode(bytes);
  const find = (suffix: string) => status.details.find((detail) => detail.typeUrl.endsWith(suffix))?.value;
  const errorInfo = find('google.rpc.ErrorInfo');
  const badRequest = find('google.rpc.BadRequest');
  const retryInfo = find('google.rpc.RetryInfo');
  return {
    status,
    errorInfo: errorInfo ? ErrorInfo.decode(errorInfo) : undefined,
    badRequest: badRequest ? BadRequest.decode(badRequest) : undefined,
    retryInfo: retryInfo ? RetryInfo.decode(retryInfo) : undefined,
  };
}
