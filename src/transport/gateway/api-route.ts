import type { BuiltinHttpRoute } from './http-router.ts';
import { pathTemplateMatchesUnder, type Route } from './routing/index.ts';
import type { Transcoder } from './transcoder.ts';

/** Prefix of every REST route. */
export const API_PREFIX = '/api/';

/**
 * Every method under `/api/`: the transcoder, which finds the REST route itself and answers 404
 * and 405 for its own paths. A service route below `/api/` is refused only where a REST route
 * lives (so `/api/v1/proxy/*` is fine, `/api/v1/devices/*` is not).
 */
export function createApiRoute(transcoder: Transcoder): BuiltinHttpRoute {
  const { routes } = transcoder;
  const describe = (route: Route) => `${route.httpMethod} ${route.template.source} of ${route.method.path}`;
  return {
    name: 'REST API',
    methods: ['*'],
    path: `${API_PREFIX}*`,
    writesRequestId: true,
    handle: transcoder.handle,
    methodsAt(path) {
      // A preflight for a path with no route still lets the browser send the GET that reads the 404.
      const methods = routes.methodsAt(path);
      return methods.length > 0 ? methods : ['GET'];
    },
    served(path, below) {
      const route = routes.routes.find((candidate) =>
        below
          ? pathTemplateMatchesUnder(candidate.template, path)
          : candidate.template.match(path) !== undefined,
      );
      return route === undefined ? undefined : describe(route);
    },
  };
}
