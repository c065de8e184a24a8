import type { DescField, DescMessage, JsonObject, JsonValue } from '@bufbuild/protobuf';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import { boundFieldsOf, type PathBindings, queryParamsToJson, type Route } from './routing/index.ts';

/**
 * Assembles the proto3 JSON of a request from its three sources, in grpc-gateway's order of
 * authority: the body (all of it for `body: "*"`, or one field), then query parameters for the
 * fields neither path nor body bind, then the path variables, which win over the body.
 *
 * A PATCH whose rule binds the body to a field and whose request has an `update_mask` that the
 * client did not send gets one listing the fields present in the body (grpc-gateway does this;
 * Envoy does not), so a partial update touches only what was sent.
 */
export function assembleRequestJson(options: {
  route: Route;
  input: DescMessage;
  bindings: PathBindings;
  /** Undefined when the URL has no query. */
  query: URLSearchParams | undefined;
  body: unknown;
}): JsonObject {
  const { route, input, bindings, query } = options;
  let { body } = options;
  // A body bound to the whole request, or to a message field, is that message's JSON: an
  // object. (`[]`, `null` or `"x"` would otherwise decode as an empty message and change nothing.)
  if (route.body === '*' && !isObject(body)) throw notAnObject('the request body');
  const bodyField = route.body === undefined || route.body === '*' ? undefined : fieldOf(input, route.body);
  if (bodyField?.fieldKind === 'message' && !isObject(body)) {
    throw notAnObject(`the request body (field ${bodyField.name})`, bodyField.name);
  }
  // The mask lists what the client sent, so it is taken before the path adds its fields.
  const updateMask =
    route.httpMethod === 'PATCH' && route.body !== undefined && route.body !== '*'
      ? implicitUpdateMask(input, route.body, body)
      : undefined;
  // Path variables are written into the body's objects below; copy them, never the caller's.
  // (The body's depth is bounded by the body reader, so the copy cannot overflow the stack.)
  if (route.body !== undefined && typeof body === 'object' && body !== null) body = structuredClone(body);
  // Spread, not Object.assign: a `__proto__` key stays a key, refused below as unknown, instead
  // of setting the prototype and vanishing.
  const request: JsonObject = route.body === '*' ? { ...(body as JsonObject) } : {};
  if (route.body !== undefined && route.body !== '*') request[route.body] = body as JsonValue;
  if (query !== undefined) {
    deepMerge(request, queryParamsToJson(query, { message: input, boundFields: boundFieldsOf(route) }));
  }
  for (const [fieldPath, value] of Object.entries(bindings)) setPath(request, fieldPath.split('.'), value);
  if (updateMask !== undefined && request.update_mask === undefined && request.updateMask === undefined) {
    request.updateMask = updateMask;
  }
  return request;
}

// The FieldMask (JSON form) of the fields present in a PATCH body, when the request has one.
function implicitUpdateMask(input: DescMessage, bodyField: string, body: unknown): string | undefined {
  const mask = input.fields.find((field) => field.name === 'update_mask');
  if (mask?.message?.typeName !== 'google.protobuf.FieldMask') return undefined;
  const resource = input.fields.find((field) => field.name === bodyField)?.message;
  if (resource === undefined || !isObject(body)) return undefined;
  return fieldPathsOf(resource, body).join(',');
}

// Paths of the fields present in a JSON object, descending into singular message fields that
// are objects (not into maps, lists or well-known types, which are replaced whole).
function fieldPathsOf(desc: DescMessage, json: JsonObject, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    const field = desc.fields.find((f) => f.jsonName === key || f.name === key);
    const jsonName = field?.jsonName ?? key;
    const path = prefix === '' ? jsonName : `${prefix}.${jsonName}`;
    const nested = field?.fieldKind === 'message' && !field.message.typeName.startsWith('google.protobuf.');
    if (nested && field.fieldKind === 'message' && isObject(value) && Object.keys(value).length > 0) {
      paths.push(...fieldPathsOf(field.message, value, path));
    } else {
      paths.push(path);
    }
  }
  return paths;
}

function fieldOf(input: DescMessage, name: string): DescField | undefined {
  return input.fields.find((field) => field.name === name);
}

function setPath(target: JsonObject, path: string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next: JsonObject = isObject(child) ? child : {};
  target[head] = next;
  setPath(next, rest, value);
}

function deepMerge(target: JsonObject, source: JsonObject): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) deepMerge(existing, value);
    else target[key] = value;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notAnObject(what: string, field?: string): AppError {
  const description = `${what} must be a JSON object`;
  return new AppError(Code.INVALID_ARGUMENT, PlatformReason.INVALID_REQUEST, description, {
    fieldViolations: field === undefined ? [] : [{ field, description }],
  });
}
