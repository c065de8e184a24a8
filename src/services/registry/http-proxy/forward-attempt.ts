import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type AddressGuard, nodeHttp } from '../../../platform/net/index.ts';
import { AddressNotAllowedError } from './guarded-lookup.ts';
import type { ProxyFailureCause } from './reasons.ts';

/** One try at forwarding a request to one instance. */
export interface ForwardAttempt {
  /** The instance's base URL. */
  base: URL;
  method: string;
  /** Path and query to send. */
  path: string;
  /** Raw header pairs to send, `Host` excluded. */
  headers: readonly string[];
  /** The client's request: its body is piped upstream once connected, not before. */
  body: IncomingMessage;
  guard: AddressGuard;
  lookup: LookupFunction;
  agents: { http: Agent; https: HttpsAgent };
  connectTimeoutMs: number;
  responseTimeoutMs: number;
}

/** A try that got no response headers, with why and whether any of the body left. */
export class ForwardFailure extends Error {
  override readonly name = 'ForwardFailure';
  readonly failure: ProxyFailureCause;
  /** Whether the client's body (one it declared) began to flow upstream: it cannot be replayed then. */
  readonly bodyStarted: boolean;

  constructor(failure: ProxyFailureCause, bodyStarted: boolean, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.failure = failure;
    this.bodyStarted = bodyStarted;
  }
}

/** A try that got response headers: the body is still to be read from `response`. */
export interface ForwardedResponse {
  readonly upstreamRequest: ClientRequest;
  readonly response: IncomingMessage;
}

/**
 * Sends the request to one instance and resolves when its response headers arrive, or rejects
 * with a {@link ForwardFailure}: `address_not_allowed` (checked before connecting: IP literals
 * here, names by the guarded lookup), `connect_failed`, `connect_timeout` (no TCP connection in
 * `connectTimeoutMs`), `response_timeout` (no headers within `responseTimeoutMs` of the request
 * being fully sent) or `upstream_failed`. The body starts to flow only once a connection is
 * there, so a try that failed to connect leaves it unread for the next instance. The returned
 * `upstreamRequest` is destroyed to abandon the try (the client went away).
 */
export function forwardAttempt(
  attempt: ForwardAttempt,
  onRequest: (request: ClientRequest) => void,
): Promise<ForwardedResponse> {
  const { base, body } = attempt;
  const host = base.hostname.startsWith('[') ? base.hostname.slice(1, -1) : base.hostname;
  if (isIP(host) !== 0 && !attempt.guard.allows(host)) {
    const refused = new AddressNotAllowedError(host, host);
    return Promise.reject(new ForwardFailure('address_not_allowed', false, refused.message));
  }
  const https = base.protocol === 'https:';
  const hasBody =
    body.headers['transfer-encoding'] !== undefined || Number(body.headers['content-length'] ?? 0) > 0;
  return new Promise((resolve, reject) => {
    let connected = false;
    let bodyStarted = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const options = {
      hostname: host,
      port: base.port === '' ? (https ? 443 : 80) : Number(base.port),
      method: attempt.method,
      path: attempt.path,
      headers: ['host', base.host, ...attempt.headers],
      lookup: attempt.lookup,
      agent: https ? attempt.agents.https : attempt.agents.http,
    };
    const upstream = https ? httpsRequest(options) : nodeHttp.request(options);
    onRequest(upstream);

    function fail(failure: ProxyFailureCause, message: string, cause?: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      body.unpipe(upstream);
      upstream.destroy();
      reject(new ForwardFailure(failure, bodyStarted, message, cause));
    }
    function onConnected(): void {
      clearTimeout(timer);
      connected = true;
      bodyStarted = hasBody;
      // A body-less request read by an earlier try has ended already: there is nothing to pipe.
      if (body.readableEnded) upstream.end();
      else body.pipe(upstream);
    }
    upstream.once('socket', (socket) => {
      if (!socket.connecting) {
        onConnected();
        return;
      }
      timer = setTimeout(
        () => fail('connect_timeout', `no connection within ${attempt.connectTimeoutMs} ms`),
        attempt.connectTimeoutMs,
      );
      socket.once('connect', onConnected);
    });
    upstream.once('finish', () => {
      if (settled) return;
      timer = setTimeout(
        () => fail('response_timeout', `no response within ${attempt.responseTimeoutMs} ms of the request`),
        attempt.responseTimeoutMs,
      );
    });
    upstream.once('response', (response) => {
      if (settled) {
        response.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve({ upstreamRequest: upstream, response });
    });
    // Stays attached: a socket may still report an error after the try settled.
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof AddressNotAllowedError) fail('address_not_allowed', error.message);
      // A kept-alive socket the instance had closed fails before anything reached it.
      else if (!connected || (upstream.reusedSocket && error.code === 'ECONNRESET' && !bodyStarted))
        fail('connect_failed', `the connection failed (${error.code ?? error.message})`, error);
      else
        fail(
          'upstream_failed',
          `the connection broke before a response (${error.code ?? error.message})`,
          error,
        );
    });
  });
}
