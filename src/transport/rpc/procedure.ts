import type { CallContext } from './context.ts';
import type { Policy } from './policy.ts';

/** The four RPC shapes. */
export type MethodKind = 'unary' | 'server_streaming' | 'client_streaming' | 'bidi_streaming';

/** What every layer may know about a method: its names, shape and policy. */
export interface ProcedureInfo {
  /** Fully qualified service name, e.g. `hcs.v1.DeviceService`. */
  readonly service: string;
  /** Method name as in the proto, e.g. `ExecuteCommand`. */
  readonly method: string;
  /** The gRPC path, `/hcs.v1.DeviceService/ExecuteCommand`. */
  readonly path: string;
  readonly kind: MethodKind;
  readonly policy: Policy;
  /** Fully qualified request and response message names. */
  readonly inputType: string;
  readonly outputType: string;
}

/**
 * One step of a call after the transport decoded it. `input` is the request message, or an
 * AsyncIterable of them for client/bidi streaming; the result is the response message, or an
 * AsyncIterable of them for server/bidi streaming.
 */
export type Invoke = (input: unknown, ctx: CallContext) => Promise<unknown>;

/** A method ready to be served: its info, its wire codec and its interceptor chain. */
export interface Procedure extends ProcedureInfo {
  /** Whether a service implements it; unimplemented ones answer UNIMPLEMENTED after the guard. */
  readonly implemented: boolean;
  /** Checks and decodes a request; throws INVALID_ARGUMENT (an AppError) for bytes it refuses. */
  decode(bytes: Uint8Array): unknown;
  encode(message: unknown): Buffer;
  /** The procedure wrapped in the interceptor chain. */
  readonly invoke: Invoke;
}

/** The shape of one ts-proto grpc-js method definition, which is all the table needs. */
export interface MethodDefinition<Req = unknown, Res = unknown> {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  requestDeserialize(value: Buffer): Req;
  responseSerialize(value: Res): Buffer;
}

type RequestOf<M> = M extends { requestDeserialize(value: Buffer): infer R } ? R : never;
type ResponseOf<M> = M extends { responseSerialize(value: infer R): Buffer } ? R : never;

/** The implementation of one method, typed by its ts-proto definition. */
export type MethodImplementation<M> = M extends { requestStream: true; responseStream: true }
  ? (requests: AsyncIterable<RequestOf<M>>, ctx: CallContext) => AsyncIterable<ResponseOf<M>>
  : M extends { requestStream: true }
    ? (requests: AsyncIterable<RequestOf<M>>, ctx: CallContext) => Promise<ResponseOf<M>>
    : M extends { responseStream: true }
      ? (request: RequestOf<M>, ctx: CallContext) => AsyncIterable<ResponseOf<M>>
      : (request: RequestOf<M>, ctx: CallContext) => Promise<ResponseOf<M>>;

/** A service implementation: one function per method of a ts-proto service definition. */
export type ServiceImplementation<S> = { [K in keyof S]: MethodImplementation<S[K]> };
