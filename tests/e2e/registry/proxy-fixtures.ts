import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  OutlierEjectionOptions,
  ProxyUpstream,
} from '../../../src/services/registry/http-proxy/index.ts';
import { registryServiceWith } from '../../../src/services/registry/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

/** A request an upstream received, as it received it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
  remoteAddress: string;
}

/** A real HTTP server on an ephemeral port standing for one instance of a service. */
export interface Upstream {
  readonly port: number;
  readonly url: string;
  readonly server: Server;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

export type UpstreamHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** Echoes what it received as JSON (the body as text), naming itself. */
export function echoHandler(name: string): UpstreamHandler {
  return (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.stringify({
        name,
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': name });
      response.end(request.method === 'HEAD' ? undefined : body);
    });
  };
}

/** Starts an upstream on 127.0.0.1 (or `port`, to bring one back where it was). */
export async function startUpstream(handler: UpstreamHandler, port = 0): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      rawHeaders: request.rawHeaders,
      body: '',
      remoteAddress: request.socket.remoteAddress ?? '',
    });
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    server,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on (bound once, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** hcs serving the proxy, with a registry the test fills by hand. */
export interface ProxyApp {
  readonly app: TestApp;
  /** The healthy HTTP endpoints per service, as the registry would answer. */
  readonly endpoints: Map<string, ProxyUpstream[]>;
  /** An access token granted `registry:proxy` (and nothing else). */
  readonly token: string;
  /** `fetch` to `/api/v1/proxy/…` with the token. */
  proxyFetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Starts hcs with the proxy routes over a static upstream source. */
export async function startProxyApp(
  options: { env?: Record<string, string>; ejection?: OutlierEjectionOptions } = {},
): Promise<ProxyApp> {
  const endpoints = new Map<string, ProxyUpstream[]>();
  const env = { HCS_LOG_LEVEL: 'debug', ...options.env };
  // The registry's own proxy routes, over a static upstream source instead of its instances.
  const registry = registryServiceWith({
    proxyUpstreams: { healthyHttpEndpoints: (service) => endpoints.get(service) ?? [] },
    ...(options.ejection === undefined ? {} : { proxyEjection: options.ejection }),
  });
  const app = await startTestApp({ env, modules: [registry] });
  const token = app.mintToken({ subject: 'users/caller', roles: ['viewer'], scopes: ['registry:proxy'] });
  return {
    app,
    endpoints,
    token,
    proxyFetch: (path, init = {}) =>
      fetch(`${app.httpBase}/api/v1/proxy/${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
      }),
    async close() {
      await app.close();
    },
  };
}

/** An upstream entry for the static source. */
export function endpoint(instance: string, url: string, forwardCredentials = false): ProxyUpstream {
  return { instance: `services/test/instances/${instance}`, url, forwardCredentials };
}
