/** One HTTP endpoint the proxy may forward to. */
export interface ProxyUpstream {
  /** The instance's resource name (`services/billing/instances/a1`), for logs and errors. */
  instance: string;
  /**
   * The endpoint's base URL (`http://10.0.0.7:8080/api`): the proxied path is appended to its
   * path. `http:` or `https:`; its host must resolve inside `HCS_PROXY_ALLOWED_NETWORKS`.
   */
  url: string;
  /**
   * Whether the caller's `Authorization`, `x-api-key` and `Cookie` headers reach the instance
   * (and its `Set-Cookie` the caller): instance metadata `hcs.proxy.forward-credentials` = "true".
   */
  forwardCredentials: boolean;
}

/** Where the proxy gets the healthy HTTP endpoints of a service, per request (must be cheap). */
export interface ProxyUpstreamSource {
  healthyHttpEndpoints(service: string): readonly ProxyUpstream[];
}
