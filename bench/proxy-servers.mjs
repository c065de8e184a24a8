/**
 * The two servers of the proxy benchmark, each its own process, from the compiled build (dist/):
 *   upstream — a bare node:http server answering GET /bench/small (1 KiB) and /bench/large
 *              (1 MiB) at once, and /bench/service (1 KiB) after awaiting 1 ms, as a service
 *              that queries something per request does; all with content-length; the
 *              instance behind the proxy;
 *   bare-proxy UPSTREAM_URL — the floor of a proxy in Node: http.request to the instance with a
 *              keep-alive agent, status and headers copied, bodies piped; no auth, no checks;
 *   hcs UPSTREAM_URL — the real app (createApp) serving the registry's HTTP proxy, whose static
 *              upstream source names UPSTREAM_URL as the one instance of service `bench`.
 * Prints `{"http": N}` once listening.
 *
 * Usage: node bench/proxy-servers.mjs upstream | bare-proxy URL | hcs URL   (after npm run build)
 */
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../dist/app.js';
import { loadConfig } from '../dist/platform/config/index.js';
import { createLogger } from '../dist/platform/log/index.js';
import { SERVICE_MODULES } from '../dist/services/index.js';
import { registryServiceWith } from '../dist/services/registry/index.js';

// A clean exit on SIGTERM, so `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
const print = (ports) => process.stdout.write(`${JSON.stringify(ports)}\n`);
const [mode, upstreamUrl] = process.argv.slice(2);

const SERVICE_WAIT_MS = 1;

if (mode === 'upstream') {
  const small = Buffer.alloc(1024, 'a');
  const large = Buffer.alloc(1024 * 1024, 'b');
  const answer = (response, body) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    response.end(body);
  };
  const server = createServer((request, response) => {
    // A service's answer: 1 KiB after awaiting 1 ms of I/O (a stand-in for its database query).
    if (request.url === '/bench/service') setTimeout(answer, SERVICE_WAIT_MS, response, small);
    else answer(response, request.url === '/bench/large' ? large : small);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => print({ http: server.address().port }));
} else if (mode === 'bare-proxy') {
  const agent = new Agent({ keepAlive: true });
  const target = new URL(upstreamUrl);
  const server = createServer((incoming, outgoing) => {
    const path = incoming.url.slice('/api/v1/proxy/bench'.length);
    const upstream = request(
      { hostname: target.hostname, port: target.port, path, method: incoming.method, agent },
      (answer) => {
        outgoing.writeHead(answer.statusCode, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(upstream);
  });
  server.listen(0, '127.0.0.1', () => print({ http: server.address().port }));
} else if (mode === 'hcs') {
  const config = loadConfig({
    env: {
      HCS_HOST: '127.0.0.1',
      HCS_GRPC_PORT: '0',
      HCS_HTTP_PORT: '0',
      HCS_DATA_DIR: join(tmpdir(), `hcs-bench-proxy-${process.pid}`),
      HCS_SECRET_KEY: process.env.HCS_SECRET_KEY ?? '',
      HCS_ADMIN_PASSWORD: 'bench-admin-password',
    },
  });
  const logger = createLogger({ level: 'error' });
  const upstream = { instance: 'services/bench/instances/1', url: upstreamUrl, forwardCredentials: false };
  // The registry's own proxy routes, over a static upstream instead of registered instances.
  const registry = registryServiceWith({
    proxyUpstreams: { healthyHttpEndpoints: (service) => (service === 'bench' ? [upstream] : []) },
  });
  const services = SERVICE_MODULES.map((module) => (module.name === 'registry' ? registry : module));
  const { httpPort } = await createApp({ config, logger, services }).start();
  print({ http: httpPort });
} else {
  throw new Error(`unknown mode ${mode}`);
}
