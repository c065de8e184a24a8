import type { HttpRoute } from '../../../transport/gateway/index.ts';
import type { Policy } from '../../../transport/rpc/index.ts';
import { createHttpProxy, type HttpProxyOptions, PROXIED_METHODS } from './http-proxy.ts';

/** Who may use the proxy: any authenticated caller granted the `registry:proxy` scope. */
export const PROXY_POLICY: Policy = Object.freeze({
  public: false,
  roles: Object.freeze([]),
  scopes: Object.freeze(['registry:proxy']),
});

/** The proxy's routes, and how to let go of its connections. */
export interface ProxyRoutes {
  readonly routes: readonly HttpRoute[];
  /** Closes idle connections to instances; call after the HTTP server drained. */
  close(): void;
}

const DESCRIPTION = `Forwards the request to a healthy HTTP endpoint of the service, \`{path}\` (any number of
segments) appended to the endpoint's base path and the query kept. Bodies stream both ways.

Hop-by-hop headers (and those \`Connection\` names) are removed; \`X-Forwarded-For\`, \`-Proto\`, \`-Host\`,
\`x-request-id\` and \`traceparent\` are added. hcs's own credentials (\`Authorization\`, \`x-api-key\`,
\`Cookie\`) reach the instance only when its metadata sets \`hcs.proxy.forward-credentials\` to "true".

A failed connection moves an idempotent request (GET, HEAD, OPTIONS, PUT, DELETE) to another instance; an
instance that keeps failing is left out for a while, then tried with one request. Only addresses inside
\`HCS_PROXY_ALLOWED_NETWORKS\` are reached. Encoded slashes and dot segments in \`{path}\` are refused.`;

/**
 * The registry's HTTP proxy as routes for the HTTP server: every method at
 * `/api/v1/proxy/{service}/{path...}` (see `createHttpProxy`), guarded by {@link PROXY_POLICY}
 * through the RPC chain and documented in the OpenAPI document under `RegistryService`.
 */
export function createProxyRoutes(options: HttpProxyOptions): ProxyRoutes {
  const proxy = createHttpProxy(options);
  const route: HttpRoute = {
    name: 'registry HTTP proxy',
    methods: ['*'],
    path: '/api/v1/proxy/*',
    policy: PROXY_POLICY,
    handle: proxy.handle,
    openApi: {
      path: '/api/v1/proxy/{service}/{path}',
      methods: PROXIED_METHODS,
      tag: 'RegistryService',
      operationId: 'RegistryService_Proxy',
      summary: 'Forward an HTTP request to a healthy instance of a service',
      description: DESCRIPTION,
      parameters: [
        {
          name: 'service',
          in: 'path',
          required: true,
          schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' },
          description: 'The registered service name.',
        },
        {
          name: 'path',
          in: 'path',
          required: true,
          schema: { type: 'string' },
          description: "The path below the instance's base path; may span several segments.",
          'x-hcs-multi-segment': true,
        },
      ],
      requestBody: { required: false, content: { '*/*': { schema: {} } } },
      responses: {
        '2XX': { description: "The instance's answer, status, headers and body as it sent them." },
      },
      errors: {
        '400': 'The service name or the path is malformed (`PROXY_SERVICE_INVALID`, `PROXY_PATH_INVALID`).',
        '502': 'The instance could not be reached or broke off before answering (`BAD_GATEWAY`).',
        '503': 'The service has no healthy HTTP instance, or every one is failing (`NO_HEALTHY_INSTANCE`).',
        '504': 'The instance did not accept a connection or answer in time (`UPSTREAM_TIMEOUT`).',
      },
    },
  };
  return { routes: [route], close: proxy.close };
}
