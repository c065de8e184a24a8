export { createHttpProxy, type HttpProxy, type HttpProxyOptions, PROXIED_METHODS } from './http-proxy.ts';
export type { OutlierEjectionOptions } from './outlier-ejection.ts';
export { createProxyRoutes, PROXY_POLICY, type ProxyRoutes } from './proxy-routes.ts';
export type { ProxyUpstream, ProxyUpstreamSource } from './proxy-upstream.ts';
export { type ProxyFailureCause, ProxyReason } from './reasons.ts';
