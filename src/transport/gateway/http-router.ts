import type { HttpRoute, HttpRouteCors } from './http-route.ts';

/** A route the server defines itself, with what only the gateway's own routes need to say. */
export interface BuiltinHttpRoute extends HttpRoute {
  /**
   * For a prefix route: what it serves at `path` (`below` false) or anywhere below `path/`
   * (`below` true), in words for a conflict message, or undefined for nothing. A service route
   * there would take those requests. Default: the prefix serves everything below it.
   */
  served?(path: string, below: boolean): string | undefined;
  /** For a route taking every method: the methods `path` really serves (`Allow`, preflights). */
  methodsAt?(path: string): readonly string[];
  /**
   * The route puts `x-request-id` in the one `writeHead` of each answer itself. Setting it on the
   * response beforehand would put node:http on its slower header path, measurable on a small
   * REST call. Default false: the server sets it before `handle` runs.
   */
  readonly writesRequestId?: boolean;
}

/** The routes answering for one exact path or one prefix. */
export interface HttpPathRoutes {
  readonly cors: HttpRouteCors;
  /** The route serving `method` (GET's for HEAD unless HEAD is declared); undefined: 405. */
  route(method: string): BuiltinHttpRoute | undefined;
  /** The methods served at `path`, sorted, HEAD listed with GET: `Allow` and preflights. */
  allowed(path: string): readonly string[];
}

/** The HTTP server's route table. */
export interface HttpRouter {
  /**
   * The routes answering for a raw URL path: those of the exact path, else of the longest prefix
   * it is below; undefined when none (404). A Map hit for an exact path, else a scan of the few
   * prefixes, longest first.
   */
  find(path: string): HttpPathRoutes | undefined;
}

/** Methods of a route taking every method, for a preflight when it does not say which. */
const COMMON_METHODS: readonly string[] = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'];

// Characters the request target parser leaves alone: a path made of them is compared as it comes.
const PLAIN_PATH = /^\/(?:[A-Za-z0-9\-._~!$&'()+,;=:@]+\/?)*$/;
const METHOD = /^[A-Z]+$/;

/**
 * Builds the route table: the built-in routes, then the routes of services. Throws an Error
 * naming both routes when two routes of one path serve the same method, when they disagree on
 * `cors`, or when a service route is declared at a built-in route's path or below a built-in
 * prefix where that prefix serves something (a service's `/api/v1/proxy/*` is fine as long as
 * no REST route lives below it); and an Error naming the route when its path or methods are
 * malformed.
 */
export function createHttpRouter(routes: {
  builtin: readonly BuiltinHttpRoute[];
  extra?: readonly HttpRoute[];
}): HttpRouter {
  const exact = new Map<string, PathRoutes>();
  const byPrefix = new Map<string, PathRoutes>();
  const builtinPrefixes: BuiltinHttpRoute[] = [];
  for (const route of routes.builtin) {
    add(route, true);
    if (route.path.endsWith('/*')) builtinPrefixes.push(route);
  }
  for (const route of routes.extra ?? []) add(route, false);
  // Longest first: the first prefix a path is below is the most specific one.
  const prefixes = [...byPrefix.values()].sort((a, b) => b.below.length - a.below.length);

  function add(route: BuiltinHttpRoute, builtin: boolean): void {
    assertWellFormed(route);
    if (!builtin) assertNotShadowing(route, builtinPrefixes);
    const prefix = route.path.endsWith('/*');
    const key = prefix ? route.path.slice(0, -1) : route.path;
    const table = prefix ? byPrefix : exact;
    const existing = table.get(key);
    if (existing === undefined) table.set(key, new PathRoutes(key, route, builtin));
    else existing.add(route, builtin);
  }

  return {
    find(path) {
      const routes = exact.get(path);
      if (routes !== undefined) return routes;
      for (const candidate of prefixes) if (path.startsWith(candidate.below)) return candidate;
      return undefined;
    },
  };
}

class PathRoutes implements HttpPathRoutes {
  /** The exact path, or the prefix with its trailing `/` (`/api/`). */
  readonly below: string;
  readonly cors: HttpRouteCors;
  readonly #byMethod = new Map<string, BuiltinHttpRoute>();
  #anyMethod: BuiltinHttpRoute | undefined;
  #builtin: BuiltinHttpRoute | undefined;
  #allowed: string[] = [];

  constructor(below: string, route: BuiltinHttpRoute, builtin: boolean) {
    this.below = below;
    this.cors = route.cors ?? 'configured';
    this.add(route, builtin);
  }

  add(route: BuiltinHttpRoute, builtin: boolean): void {
    const first = this.#anyMethod ?? this.#byMethod.values().next().value;
    if (this.#builtin !== undefined && !builtin) {
      throw new Error(
        `HTTP route ${describe(route)} is declared at the path of built-in route ${describe(this.#builtin)}`,
      );
    }
    if (first !== undefined && (route.cors ?? 'configured') !== this.cors) {
      throw new Error(
        `HTTP routes ${describe(route)} and ${describe(first)} share a path but not their CORS setting ` +
          `(${route.cors ?? 'configured'} and ${this.cors})`,
      );
    }
    for (const method of route.methods) {
      const other = method === '*' ? first : (this.#byMethod.get(method) ?? this.#anyMethod);
      if (other !== undefined) {
        throw new Error(
          `HTTP route ${describe(route)} conflicts with ${describe(other)}: both serve ${method}`,
        );
      }
      if (method === '*') this.#anyMethod = route;
      else this.#byMethod.set(method, route);
    }
    if (builtin) this.#builtin ??= route;
    const methods = new Set(this.#byMethod.keys());
    if (methods.has('GET')) methods.add('HEAD');
    this.#allowed = [...methods].sort();
  }

  route(method: string): BuiltinHttpRoute | undefined {
    return (
      this.#byMethod.get(method) ??
      (method === 'HEAD' ? this.#byMethod.get('GET') : undefined) ??
      this.#anyMethod
    );
  }

  allowed(path: string): readonly string[] {
    if (this.#anyMethod === undefined) return this.#allowed;
    return this.#anyMethod.methodsAt?.(path) ?? COMMON_METHODS;
  }
}

function assertWellFormed(route: HttpRoute): void {
  const path = route.path.endsWith('/*') ? route.path.slice(0, -1) : route.path;
  if (!PLAIN_PATH.test(path) || path.includes('//')) {
    throw new Error(
      `HTTP route ${describe(route)}: the path must be plain ("/a/b"), or a prefix ending in "/*" ("/a/*")`,
    );
  }
  const anyMethod = route.methods.length === 1 && route.methods[0] === '*';
  if (route.methods.length === 0 || (!anyMethod && !route.methods.every((method) => METHOD.test(method)))) {
    throw new Error(`HTTP route ${describe(route)}: methods must be upper-case HTTP methods, or ["*"] alone`);
  }
}

// A service route below a built-in prefix would take the requests that prefix serves there: an
// exact path wins over any prefix, a longer prefix over a shorter one.
function assertNotShadowing(route: HttpRoute, builtinPrefixes: readonly BuiltinHttpRoute[]): void {
  const below = route.path.endsWith('/*');
  const path = below ? route.path.slice(0, -2) : route.path;
  for (const builtin of builtinPrefixes) {
    if (!path.startsWith(builtin.path.slice(0, -1))) continue;
    const served = builtin.served === undefined ? describe(builtin) : builtin.served(path, below);
    if (served !== undefined) {
      throw new Error(
        `HTTP route ${describe(route)} would shadow built-in route ${describe(builtin)}: ${served}`,
      );
    }
  }
}

function describe(route: HttpRoute): string {
  const where = `${route.methods.join(',')} ${route.path}`;
  return route.name === undefined ? where : `"${route.name}" (${where})`;
}
