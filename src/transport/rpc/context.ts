import type { Logger } from '../../platform/log/index.ts';
import { ANONYMOUS, type Principal } from './policy.ts';
import type { ProcedureInfo } from './procedure.ts';

/** Read access to the request's headers (HTTP) or metadata (gRPC), names lower-case. */
export interface RequestHeaders {
  get(name: string): string | undefined;
}

/**
 * A key for a request-scoped value that no built-in field covers, with its type and default.
 * Services define their own keys instead of putting untyped values on the context.
 */
export interface ContextKey<T> {
  readonly id: symbol;
  readonly defaultValue: T;
}

/** Creates a typed context key. */
export function createContextKey<T>(defaultValue: T, description: string): ContextKey<T> {
  return { id: Symbol(description), defaultValue };
}

/** Request-scoped values set by interceptors and read by procedures, by typed key. */
export class ContextValues {
  readonly #values = new Map<symbol, unknown>();

  get<T>(key: ContextKey<T>): T {
    return this.#values.has(key.id) ? (this.#values.get(key.id) as T) : key.defaultValue;
  }

  set<T>(key: ContextKey<T>, value: T): this {
    this.#values.set(key.id, value);
    return this;
  }
}

/**
 * Everything a procedure may know about its call, the same on both transports. Transports
 * create it; interceptors fill `requestId`, `log` and `principal` before the procedure runs.
 */
export interface CallContext {
  readonly procedure: ProcedureInfo;
  readonly transport: 'grpc' | 'http';
  /** The client's address, `ip:port` or `unknown`. */
  readonly peer: string;
  readonly requestHeaders: RequestHeaders;
  /** Sent to the client as response metadata (gRPC) or headers (HTTP `Grpc-Metadata-*`). */
  readonly responseHeaders: Map<string, string>;
  /** Sent after the response: gRPC trailers, HTTP `Grpc-Metadata-*` headers. */
  readonly responseTrailers: Map<string, string>;
  /** Aborted when the client cancels or goes away, the deadline passes, or the server stops. */
  readonly signal: AbortSignal;
  /**
   * When the call must be done, as epoch milliseconds; undefined means no deadline. Set by the
   * transport, whose signal aborts when it passes.
   */
  readonly deadline: number | undefined;
  /** Set by the request-id interceptor: the client's `x-request-id` or a new UUID. */
  requestId: string;
  /** A logger whose lines carry the request id and the method (made on first use). */
  readonly log: Logger;
  /** The authenticated caller, set by the auth interceptor. */
  principal: Principal;
  readonly values: ContextValues;
}

/** What a transport knows when a call arrives. */
export interface CallContextInit {
  procedure: ProcedureInfo;
  transport: 'grpc' | 'http';
  /** The client's address; asked for only when something reads `ctx.peer`. */
  peer: () => string;
  requestHeaders: RequestHeaders;
  /** The call's cancellation signal; asked for only when something reads `ctx.signal`. */
  signal: () => AbortSignal;
  deadline: number | undefined;
  /** The process logger; the call's logger is its child. */
  logger: Logger;
}

/** Creates the context of one call; the request id is filled in by the chain. */
export function createCallContext(init: CallContextInit): CallContext {
  return new CallContextImpl(init);
}

const NOTHING_SET: ReadonlyMap<string, string> = new Map();

/**
 * The response headers a procedure set, for a transport to send: read without making the map,
 * which `ctx.responseHeaders` makes on first use (two maps a call otherwise, for nothing).
 */
export function responseHeadersOf(ctx: CallContext): ReadonlyMap<string, string> {
  return CallContextImpl.headersSet(ctx);
}

/** The response trailers a procedure set, read as {@link responseHeadersOf} reads headers. */
export function responseTrailersOf(ctx: CallContext): ReadonlyMap<string, string> {
  return CallContextImpl.trailersSet(ctx);
}

// Peer, signal, logger and the maps are made on first use: most fast calls never touch them,
// and a unary call's whole budget is a few tens of microseconds.
class CallContextImpl implements CallContext {
  readonly procedure: ProcedureInfo;
  readonly transport: 'grpc' | 'http';
  readonly requestHeaders: RequestHeaders;
  readonly deadline: number | undefined;
  requestId = '';
  principal: Principal = ANONYMOUS;
  readonly #init: CallContextInit;
  #peer: string | undefined;
  #signal: AbortSignal | undefined;
  #log: Logger | undefined;
  #responseHeaders: Map<string, string> | undefined;
  #responseTrailers: Map<string, string> | undefined;
  #values: ContextValues | undefined;

  static headersSet(ctx: CallContext): ReadonlyMap<string, string> {
    return #responseHeaders in ctx ? (ctx.#responseHeaders ?? NOTHING_SET) : ctx.responseHeaders;
  }

  static trailersSet(ctx: CallContext): ReadonlyMap<string, string> {
    return #responseTrailers in ctx ? (ctx.#responseTrailers ?? NOTHING_SET) : ctx.responseTrailers;
  }

  constructor(init: CallContextInit) {
    this.#init = init;
    this.procedure = init.procedure;
    this.transport = init.transport;
    this.requestHeaders = init.requestHeaders;
    this.deadline = init.deadline;
  }

  get peer(): string {
    this.#peer ??= this.#init.peer();
    return this.#peer;
  }

  get signal(): AbortSignal {
    this.#signal ??= this.#init.signal();
    return this.#signal;
  }

  get responseHeaders(): Map<string, string> {
    this.#responseHeaders ??= new Map();
    return this.#responseHeaders;
  }

  get responseTrailers(): Map<string, string> {
    this.#responseTrailers ??= new Map();
    return this.#responseTrailers;
  }

  get values(): ContextValues {
    this.#values ??= new ContextValues();
    return this.#values;
  }

  get log(): Logger {
    this.#log ??= this.#init.logger.child({ requestId: this.requestId, method: this.procedure.path });
    return this.#log;
  }
}
