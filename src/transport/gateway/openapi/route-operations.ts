import type { HttpRoute } from '../http-route.ts';
import type { Schema } from './schemas.ts';
import { securityOf } from './security.ts';

// Methods that carry no request body worth documenting.
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/**
 * The OpenAPI operations of a route a service added, keyed by lower-case method, at the path its
 * docs give; `undefined` for a route without docs. `status` is the google.rpc.Status schema every
 * error body uses. Throws an Error naming the route when its docs cannot say where or what it
 * serves (a prefix route without `path`, a route taking `*` without `methods`).
 */
export function httpRouteOperations(
  route: HttpRoute,
  status: Schema,
): { path: string; operations: Record<string, Record<string, unknown>> } | undefined {
  const docs = route.openApi;
  if (docs === undefined) return undefined;
  const name = route.name ?? route.path;
  const path = docs.path ?? route.path;
  if (path.endsWith('/*'))
    throw new Error(`HTTP route ${name}: its docs need the OpenAPI path of the prefix`);
  const methods = docs.methods ?? route.methods;
  if (methods.includes('*')) throw new Error(`HTTP route ${name}: its docs need the methods it serves`);
  const errorBody = { 'application/json': { schema: status } };
  const errors: Record<string, string> = { ...docs.errors };
  if (route.policy !== undefined && !route.policy.public) {
    errors['401'] ??= 'No credentials, or credentials that do not verify (`WWW-Authenticate: Bearer`).';
    errors['403'] ??= 'The caller lacks a role or scope the route needs.';
  }
  const responses: Record<string, unknown> = { ...docs.responses };
  for (const [code, description] of Object.entries(errors)) {
    responses[code] = { description, content: errorBody };
  }
  responses.default = { description: 'An error: google.rpc.Status with typed details.', content: errorBody };
  const operations: Record<string, Record<string, unknown>> = {};
  for (const method of methods) {
    const operation: Record<string, unknown> = {
      operationId: `${docs.operationId}_${method.toLowerCase()}`,
      tags: [docs.tag],
      summary: docs.summary,
      ...(docs.description === undefined ? {} : { description: docs.description }),
      parameters: [...(docs.parameters ?? [])],
      responses,
      security: securityOf(route.policy),
      ...(route.policy === undefined ? {} : { 'x-hcs-policy': route.policy }),
    };
    if (docs.requestBody !== undefined && !BODYLESS.has(method)) operation.requestBody = docs.requestBody;
    operations[method.toLowerCase()] = operation;
  }
  return { path, operations };
}
