import {
  type DescExtension,
  type DescField,
  type DescMessage,
  getOption,
  hasOption,
} from '@bufbuild/protobuf';
import type { Contract, ContractMethod } from '../../rpc/index.ts';
import {
  comparePathTemplates,
  type PathBindings,
  type PathTemplate,
  parsePathTemplate,
  pathTemplateShape,
} from './path-template.ts';

/** The extension every REST route is read from. */
export const HTTP_RULE_OPTION = 'google.api.http';

/** One REST route: an HTTP method and path template bound to an RPC. */
export interface Route {
  /** Upper case: `GET`, `POST`, … or the `kind` of a custom pattern. */
  readonly httpMethod: string;
  readonly template: PathTemplate;
  readonly method: ContractMethod;
  /**
   * Which part of the request message the HTTP body fills: `'*'` the whole message (minus path
   * fields), a top-level field name (proto spelling), or undefined for no body, in which case
   * every field not bound by the path may come from the query.
   */
  readonly body: string | undefined;
  /** The top-level response field (proto spelling) sent as the HTTP body; undefined: all of it. */
  readonly responseBody: string | undefined;
  /** 0 for the rule on the method, n for its n-th `additional_bindings` entry. */
  readonly bindingIndex: number;
}

/** The outcome of {@link RouteTable.lookup}. */
export type RouteLookup =
  | { readonly kind: 'found'; readonly route: Route; readonly bindings: PathBindings }
  /** No route of any HTTP method matches the path: 404. */
  | { readonly kind: 'not-found' }
  /** Routes of other HTTP methods match the path: 405 with `allow` (sorted) as the `Allow` header. */
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] };

/** Every REST route of the contract, in precedence order. */
export interface RouteTable {
  /** All routes, grouped by HTTP method (sorted), each group in precedence order. */
  readonly routes: readonly Route[];
  /**
   * Finds the route for a request. `path` is the raw URL path without the query. When several
   * templates match, the most specific wins (see `comparePathTemplates`). HEAD finds the GET
   * route of the path when no HEAD rule matches it (RFC 9110 §9.3.2: the GET's answer
   * without its body), and `allow` lists HEAD wherever it lists GET. Throws an INVALID_ARGUMENT
   * AppError when the path carries a malformed percent-encoding in a variable.
   */
  lookup(httpMethod: string, path: string): RouteLookup;
  /**
   * The HTTP methods some route serves at `path`, sorted, HEAD wherever GET is: the `Allow`
   * of a 405 and the methods a CORS preflight is told. Empty when no route matches the path.
   */
  methodsAt(path: string): string[];
}

interface HttpRule {
  pattern: { case: string | undefined; value?: unknown };
  body: string;
  responseBody: string;
  additionalBindings: HttpRule[];
}

/**
 * Builds the route table from the `google.api.http` option of every method, its
 * `additional_bindings` included. Throws an Error naming the method when a rule is unusable:
 * a malformed template, a path variable, `body` or `response_body` naming no suitable field,
 * or two routes of one HTTP method with the same shape (one of them could never be reached).
 * Methods without the option get no route.
 *
 * Lookup scans the routes of one HTTP method in precedence order; with the ~80 routes of hcs
 * that costs less than parsing the request, so no trie.
 */
export function createRouteTable(contract: Pick<Contract, 'registry' | 'methods'>): RouteTable {
  const option = contract.registry.getExtension(HTTP_RULE_OPTION);
  if (option === undefined) throw new Error(`the descriptor set lacks the ${HTTP_RULE_OPTION} option`);
  const byMethod = new Map<string, Route[]>();
  for (const method of contract.methods) {
    for (const route of routesOf(method, option)) {
      const group = byMethod.get(route.httpMethod) ?? [];
      assertNoDuplicate(group, route);
      group.push(route);
      byMethod.set(route.httpMethod, group);
    }
  }
  const httpMethods = [...byMethod.keys()].sort();
  for (const group of byMethod.values()) group.sort((a, b) => comparePathTemplates(a.template, b.template));
  const exact = exactPaths(byMethod);
  return {
    routes: httpMethods.flatMap((httpMethod) => byMethod.get(httpMethod) ?? []),
    lookup(httpMethod, path) {
      const method = httpMethod.toUpperCase();
      const found = find(method, path) ?? (method === 'HEAD' ? find('GET', path) : undefined);
      if (found !== undefined) return found;
      const allow = methodsAt(path);
      return allow.length === 0 ? { kind: 'not-found' } : { kind: 'method-not-allowed', allow };
    },
    methodsAt,
  };

  function methodsAt(path: string): string[] {
    const methods = httpMethods.filter((method) => firstMatch(byMethod.get(method), path) !== undefined);
    if (methods.includes('GET') && !methods.includes('HEAD'))
      methods.splice(methods.indexOf('GET') + 1, 0, 'HEAD');
    return methods;
  }

  function find(method: string, path: string): RouteLookup | undefined {
    const route = exact.get(method)?.get(path);
    if (route !== undefined) return { kind: 'found', route, bindings: {} };
    const found = firstMatch(byMethod.get(method), path);
    return found === undefined ? undefined : { kind: 'found', ...found };
  }
}

/**
 * The routes whose template is all literals and binds no variable, by the one path each matches,
 * per HTTP method.
 * Such a template outranks any other that matches the same path (a literal beats a wildcard at
 * the first segment where they differ, and two all-literal templates of one method cannot share
 * a shape), so an exact hit needs no scan. A path with percent-encoding misses and is scanned.
 */
function exactPaths(byMethod: ReadonlyMap<string, readonly Route[]>): Map<string, Map<string, Route>> {
  const exact = new Map<string, Map<string, Route>>();
  for (const [httpMethod, routes] of byMethod) {
    const paths = new Map<string, Route>();
    for (const route of routes) {
      const { segments, verb, variables } = route.template;
      // A variable over literals only (`{name=settings/current}`) still binds a field: scanned.
      if (variables.length > 0) continue;
      const literals = segments.map((segment) => (segment.kind === 'literal' ? segment.value : undefined));
      if (literals.some((literal) => literal === undefined || /[/%]/.test(literal))) continue;
      paths.set(`/${literals.join('/')}${verb === undefined ? '' : `:${verb}`}`, route);
    }
    exact.set(httpMethod, paths);
  }
  return exact;
}

function firstMatch(
  routes: readonly Route[] | undefined,
  path: string,
): { route: Route; bindings: PathBindings } | undefined {
  for (const route of routes ?? []) {
    const bindings = route.template.match(path);
    if (bindings !== undefined) return { route, bindings };
  }
  return undefined;
}

function routesOf(method: ContractMethod, option: DescExtension): Route[] {
  if (!hasOption(method.descriptor, option)) return [];
  const rule = getOption(method.descriptor, option) as unknown as HttpRule;
  const rules = [rule, ...rule.additionalBindings];
  return rules.map((binding, bindingIndex) => {
    try {
      return routeFrom(method, binding, bindingIndex);
    } catch (error) {
      const where = bindingIndex === 0 ? '' : ` (additional_bindings[${bindingIndex - 1}])`;
      throw new Error(`${method.path}${where}: ${(error as Error).message}`);
    }
  });
}

function routeFrom(method: ContractMethod, rule: HttpRule, bindingIndex: number): Route {
  if (bindingIndex > 0 && rule.additionalBindings.length > 0) {
    throw new Error('additional_bindings cannot nest');
  }
  const { httpMethod, path } = patternOf(rule);
  const template = parsePathTemplate(path);
  const input = method.descriptor.input;
  for (const variable of template.variables) {
    assertPathField(input, variable.fieldPath);
  }
  const body = rule.body === '' ? undefined : rule.body;
  if (body !== undefined && body !== '*') assertTopLevelField(input, body, 'body');
  const responseBody = rule.responseBody === '' ? undefined : rule.responseBody;
  if (responseBody !== undefined)
    assertTopLevelField(method.descriptor.output, responseBody, 'response_body');
  return { httpMethod, template, method, body, responseBody, bindingIndex };
}

function patternOf(rule: HttpRule): { httpMethod: string; path: string } {
  const { case: kind, value } = rule.pattern;
  if (kind === 'custom') {
    const custom = value as { kind: string; path: string };
    if (!/^[A-Za-z]+$/.test(custom.kind))
      throw new Error(`custom kind "${custom.kind}" is not an HTTP method`);
    return { httpMethod: custom.kind.toUpperCase(), path: custom.path };
  }
  if (kind === undefined) throw new Error('the http rule has no pattern');
  return { httpMethod: kind.toUpperCase(), path: value as string };
}

/** A path variable must name a singular scalar or enum field, through singular message fields. */
function assertPathField(input: DescMessage, fieldPath: string): void {
  let message: DescMessage | undefined = input;
  const names = fieldPath.split('.');
  for (const [index, name] of names.entries()) {
    const field: DescField | undefined = message?.fields.find((candidate) => candidate.name === name);
    const last = index === names.length - 1;
    const kind = field?.fieldKind;
    if (last ? kind !== 'scalar' && kind !== 'enum' : kind !== 'message') {
      throw new Error(
        `path variable "${fieldPath}": ${input.typeName} has no singular ${last ? 'scalar' : 'message'} field "${name}" on that path`,
      );
    }
    message = field?.fieldKind === 'message' ? field.message : undefined;
  }
}

function assertTopLevelField(message: DescMessage, name: string, what: string): void {
  if (!message.fields.some((field) => field.name === name)) {
    throw new Error(`${what} "${name}" is not a field of ${message.typeName}`);
  }
}

function assertNoDuplicate(group: readonly Route[], route: Route): void {
  const shape = pathTemplateShape(route.template);
  const other = group.find((existing) => pathTemplateShape(existing.template) === shape);
  if (other !== undefined) {
    throw new Error(
      `duplicate route ${route.httpMethod} ${shape}: "${route.template.source}" of ${route.method.path} ` +
        `and "${other.template.source}" of ${other.method.path}`,
    );
  }
}

/**
 * The field paths a route sets from the URL path and the body, for `queryParamsToJson`:
 * the path variables, then `'*'` or the body field.
 */
export function boundFieldsOf(route: Route): string[] {
  const fromPath = route.template.variables.map((variable) => variable.fieldPath);
  return route.body === undefined ? fromPath : [...fromPath, route.body];
}
