import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../platform/log/index.ts';
import {
  applyInterceptors,
  type CallContext,
  createCallContext,
  type Interceptor,
  type ProcedureInfo,
} from '../rpc/index.ts';
import { HttpCallSource } from './http-call-source.ts';
import type { HttpRoute } from './http-route.ts';
import type { RouteContext } from './route-context.ts';

/** Options of {@link guardHttpRoute}. */
export interface GuardHttpRouteOptions {
  /** The chain the procedures run through (request id → logging → deadline → auth → errors). */
  interceptors: readonly Interceptor[];
  logger: Logger;
}

/** What the chain carries from the guard to the route: the request, as it came. */
interface RouteCall {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly ctx: RouteContext;
}

/**
 * A route whose policy is not public, wrapped so each request runs through the RPC chain before
 * the route sees it: the chain reads the same credentials from the headers, authenticates and
 * authorises the caller against `route.policy` exactly as for a method (refusals audited, the
 * call logged when it ends), and the route runs as the chain's innermost step with
 * `ctx.principal` set. A public route, or one without a policy, is returned as is. The request
 * id the server gave the request is the call's, and no deadline is read from `grpc-timeout`.
 */
export function guardHttpRoute(route: HttpRoute, options: GuardHttpRouteOptions): HttpRoute {
  const { policy } = route;
  if (policy === undefined || policy.public) return route;
  const { logger } = options;
  const invoke = applyInterceptors(function runRoute(input, call) {
    const { request, response, ctx } = input as RouteCall;
    ctx.principal = call.principal;
    return Promise.resolve(route.handle(request, response, ctx));
  }, options.interceptors);
  return {
    ...route,
    handle(request, response, ctx) {
      const procedure: ProcedureInfo = {
        service: 'http',
        method: route.name ?? route.path,
        // What a refusal names: "POST /api/v1/proxy/orders/x needs the scopes registry:proxy".
        path: `${request.method ?? 'GET'} ${ctx.target.pathname}`,
        kind: 'unary',
        policy,
        inputType: '',
        outputType: '',
      };
      const call: CallContext = createCallContext(
        new HttpCallSource({ request, response, route: ctx, procedure, deadline: undefined, logger }),
      );
      return invoke({ request, response, ctx: ctx as RouteContext } satisfies RouteCall, call).then(
        () => undefined,
      );
    },
  };
}
