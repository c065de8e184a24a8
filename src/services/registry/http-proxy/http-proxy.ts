import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Config } from '../../../platform/config/index.ts';
import { AppError, Code, PlatformReason } from '../../../platform/errors/index.ts';
import { createAddressGuard, nodeHttp } from '../../../platform/net/index.ts';
import type { HttpRouteContext } from '../../../transport/gateway/index.ts';
import { type ForwardedResponse, ForwardFailure, forwardAttempt } from './forward-attempt.ts';
import { forwardedRequestHeaders, forwardedResponseHeaders } from './forwarded-headers.ts';
import { guardedLookup } from './guarded-lookup.ts';
import { createOutlierEjection, type OutlierEjectionOptions } from './outlier-ejection.ts';
import { parseProxyTarget, upstreamBaseOf, upstreamPathOf } from './proxy-path.ts';
import type { ProxyUpstream, ProxyUpstreamSource } from './proxy-upstream.ts';
import { ProxyReason } from './reasons.ts';

/** Options of {@link createHttpProxy}. Log lines go to each request's logger. */
export interface HttpProxyOptions {
  /** `proxyAllowedNetworks`, `proxyConnectTimeoutMs` and `proxyResponseTimeoutMs` are read. */
  config: Pick<Config, 'proxyAllowedNetworks' | 'proxyConnectTimeoutMs' | 'proxyResponseTimeoutMs'>;
  upstreams: ProxyUpstreamSource;
  /** When an instance is ejected for failing, and for how long. Default: see {@link OutlierEjectionOptions}. */
  ejection?: OutlierEjectionOptions;
  /** Most instances one request tries (retries happen only before anything was sent). Default 3. */
  maxAttempts?: number;
}

/** Forwards requests to healthy instances. */
export interface HttpProxy {
  /** Serves one request below the proxy prefix; what it throws is answered by the gateway. */
  handle(request: IncomingMessage, response: ServerResponse, ctx: HttpRouteContext): Promise<void>;
  /** Closes the idle kept-alive connections to instances. */
  close(): void;
}

// RFC 9110 §9.2.2; a retried one may run twice, harmlessly.
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** The methods proxied: every one but CONNECT and TRACE (a tunnel, and a loop-back of headers). */
export const PROXIED_METHODS: readonly string[] = [
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
];
const PROXIED: ReadonlySet<string> = new Set(PROXIED_METHODS);

/**
 * The registry's HTTP proxy: `/api/v1/proxy/{service}/{path...}` is sent to a healthy HTTP
 * endpoint of the service (round robin over those not ejected), with bodies streamed both ways
 * under backpressure (no buffering, no size limit) and headers rewritten as `forwarded-headers.ts`
 * says. A failure to connect (refused, connect timeout, address outside the allowed networks)
 * moves an idempotent request to the next instance, up to `maxAttempts`; anything else is the
 * answer: no instance → 503 `NO_HEALTHY_INSTANCE`, connect or response timeout → 504
 * `UPSTREAM_TIMEOUT`, a failed connection → 502 `BAD_GATEWAY`, each a google.rpc.Status naming
 * the instance and the `cause`. An instance that dies mid-response cuts the client's stream.
 * Connection failures and broken responses count toward ejection (`outlier-ejection.ts`); the
 * instance's own status codes do not.
 */
export function createHttpProxy(options: HttpProxyOptions): HttpProxy {
  const { config, upstreams } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  const guard = createAddressGuard(config.proxyAllowedNetworks);
  const lookup = guardedLookup(guard);
  const agents = {
    http: new nodeHttp.Agent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };
  const ejection = createOutlierEjection(options.ejection);
  // Each endpoint's URL parsed once: the registry hands out the same objects until its service
  // changes, so a request only looks its endpoint up.
  const endpoints = new WeakMap<ProxyUpstream, Endpoint | null>();
  const endpointOf = (upstream: ProxyUpstream): Endpoint | undefined => {
    let endpoint = endpoints.get(upstream);
    if (endpoint === undefined) {
      const base = upstreamBaseOf(upstream.url);
      endpoint = base === undefined ? null : { base, key: `${upstream.instance} ${upstream.url}` };
      endpoints.set(upstream, endpoint);
    }
    return endpoint ?? undefined;
  };
  let turn = 0;

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    ctx: HttpRouteContext,
  ): Promise<void> {
    const method = request.method ?? 'GET';
    if (!PROXIED.has(method)) {
      response.setHeader('allow', PROXIED_METHODS.join(', '));
      throw new AppError(Code.UNIMPLEMENTED, 'METHOD_NOT_ALLOWED', `the proxy does not forward ${method}`);
    }
    const target = parseProxyTarget(ctx.target.pathname);
    const candidates = upstreams.healthyHttpEndpoints(target.service);
    if (candidates.length === 0) {
      throw new AppError(
        Code.UNAVAILABLE,
        ProxyReason.NO_HEALTHY_INSTANCE,
        `service "${target.service}" has no healthy HTTP instance`,
        { metadata: { service: target.service } },
      );
    }
    turn = (turn + 1) % 1_000_000_007;
    let last: { upstream: ProxyUpstream; failure: ForwardFailure } | undefined;
    let attempts = 0;
    for (let offset = 0; offset < candidates.length && attempts < maxAttempts; offset += 1) {
      const upstream = candidates[(turn + offset) % candidates.length] as ProxyUpstream;
      const endpoint = endpointOf(upstream);
      if (endpoint === undefined) {
        ctx.logger.warn({ instance: upstream.instance }, 'proxy: instance has no usable http(s) URL');
        continue;
      }
      const { base, key } = endpoint;
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (!ejection.admit(key)) continue;
      attempts += 1;
      let upstreamRequest: ClientRequest | undefined;
      const abandon = () => upstreamRequest?.destroy();
      ctx.signal.addEventListener('abort', abandon, { once: true });
      try {
        const forwarded = await forwardAttempt(
          {
            base,
            method,
            path: upstreamPathOf(base, target.path, ctx.target.search),
            headers: forwardedRequestHeaders(request, {
              requestId: ctx.requestId,
              forwardCredentials: upstream.forwardCredentials,
            }),
            body: request,
            guard,
            lookup,
            agents,
            connectTimeoutMs: config.proxyConnectTimeoutMs,
            responseTimeoutMs: config.proxyResponseTimeoutMs,
          },
          (created) => {
            upstreamRequest = created;
          },
        );
        ctx.signal.removeEventListener('abort', abandon);
        await relay(forwarded, upstream, key, response, ctx);
        return;
      } catch (error) {
        ctx.signal.removeEventListener('abort', abandon);
        if (!(error instanceof ForwardFailure)) throw error;
        if (ctx.signal.aborted) {
          ejection.released(key);
          throw ctx.signal.reason;
        }
        if (error.failure === 'address_not_allowed') ejection.released(key);
        else ejection.failed(key);
        ctx.logger.warn(
          { instance: upstream.instance, cause: error.failure, err: error.cause },
          `proxy: ${upstream.instance}: ${error.message}`,
        );
        last = { upstream, failure: error };
        if (!retryable(method, error)) break;
      }
    }
    if (last === undefined) throw allEjected(target.service, candidates);
    throw failureToError(target.service, last.upstream, last.failure);
  }

  // The response streams under backpressure; its outcome is the instance's health.
  function relay(
    forwarded: ForwardedResponse,
    upstream: ProxyUpstream,
    key: string,
    response: ServerResponse,
    ctx: HttpRouteContext,
  ): Promise<void> {
    const source = forwarded.response;
    response.writeHead(
      source.statusCode ?? 502,
      source.statusMessage,
      forwardedResponseHeaders(source, upstream.forwardCredentials),
    );
    // pipe() and listeners rather than stream.pipeline(): pipeline makes an AbortController per
    // call and a DOMException when it ends, a measurable share of a small proxied request.
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: 'finished' | 'instance broke off' | 'client left') => {
        if (settled) return;
        settled = true;
        if (outcome === 'finished') {
          ejection.succeeded(key);
        } else {
          source.unpipe(response);
          source.destroy();
          forwarded.upstreamRequest.destroy();
          if (outcome === 'instance broke off') {
            ejection.failed(key);
            response.destroy();
            ctx.logger.warn({ instance: upstream.instance }, 'proxy: the instance broke off its response');
          } else {
            ejection.released(key);
          }
        }
        resolve();
      };
      response.once('finish', () => settle('finished'));
      response.once('close', () => settle(response.writableFinished ? 'finished' : 'client left'));
      source.once('error', () => settle('instance broke off'));
      source.once('aborted', () => settle('instance broke off'));
      source.pipe(response);
    });
  }

  function allEjected(service: string, candidates: readonly ProxyUpstream[]): AppError {
    const wait = ejection.nextProbeInMs(candidates.map((upstream) => `${upstream.instance} ${upstream.url}`));
    return new AppError(
      Code.UNAVAILABLE,
      ProxyReason.NO_HEALTHY_INSTANCE,
      `every HTTP instance of service "${service}" is failing; the next one is tried again shortly`,
      { metadata: { service }, ...(wait === undefined ? {} : { retryDelayMs: wait }) },
    );
  }

  return {
    handle,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** An upstream's parsed base URL and its key for outlier ejection. */
interface Endpoint {
  base: URL;
  key: string;
}

function retryable(method: string, failure: ForwardFailure): boolean {
  if (!IDEMPOTENT.has(method) || failure.bodyStarted) return false;
  return (
    failure.failure === 'connect_failed' ||
    failure.failure === 'connect_timeout' ||
    failure.failure === 'address_not_allowed'
  );
}

function failureToError(service: string, upstream: ProxyUpstream, failure: ForwardFailure): AppError {
  const metadata = { service, instance: upstream.instance, cause: failure.failure };
  const message = `instance ${upstream.instance} of service "${service}": ${failure.message}`;
  if (failure.failure === 'connect_timeout' || failure.failure === 'response_timeout') {
    return new AppError(Code.DEADLINE_EXCEEDED, ProxyReason.UPSTREAM_TIMEOUT, message, { metadata });
  }
  return new AppError(Code.UNAVAILABLE, PlatformReason.BAD_GATEWAY, message, { metadata, cause: failure });
}
