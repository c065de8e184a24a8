import type { DescField, DescMessage, DescOneof, JsonObject, JsonValue } from '@bufbuild/protobuf';
import { AppError, Code, type FieldViolation, PlatformReason } from '../../../platform/errors/index.ts';
import { isQueryableMessage, parseFieldValue, type ValueKind } from './field-value.ts';

/** Options of {@link queryParamsToJson}. */
export interface QueryParamsOptions {
  /** The request message the parameters fill. */
  readonly message: DescMessage;
  /**
   * Field paths (proto spelling, dotted) the URL path or the body already set. A parameter
   * naming one of them, or a field inside one, is refused; `'*'` (a `body: "*"` route) refuses
   * every parameter. Default: none. `boundFieldsOf(route)` gives them for a route.
   */
  readonly boundFields?: readonly string[];
  /**
   * Skip parameters that name no field of the message instead of refusing them. For form
   * bodies: RFC 6749 §3.2 requires a token endpoint to ignore unrecognised parameters, and HTML
   * forms post their submit buttons. Default false (queries stay strict).
   */
  readonly ignoreUnknown?: boolean;
}

interface Target {
  /** The parameter as the client first spelled it. */
  readonly param: string;
  readonly field: DescField;
  readonly protoPath: string;
  readonly jsonPath: readonly string[];
  readonly values: string[];
}

/**
 * Maps URL query parameters onto the fields of a request message that the path and body leave
 * free (grpc-gateway's `PopulateQueryParameters`), returning the proto3 JSON form, e.g.
 * `{ filter: { state: 'DEVICE_STATE_UP' }, pageSize: 10 }`, for the body decoder to merge.
 *
 * A parameter is a dotted field path; each part may be the proto name or the JSON
 * (lowerCamelCase) name. A repeated field takes one value per repetition (`tag=a&tag=b`); a
 * FieldMask takes a comma list, repeated or not. Enums take a value name or number (answered
 * as the name), 64-bit integers stay strings, Timestamp takes RFC 3339, Duration `1.5s`,
 * wrappers their inner scalar.
 *
 * Strict where grpc-gateway is lenient, because a silently ignored parameter is a filter the
 * client thinks it applied: an unknown or bound parameter, a second value for a singular field,
 * two members of one oneof, a message, map or repeated-message field, or an ill-formed value
 * throws one INVALID_ARGUMENT AppError with a field violation per bad parameter.
 */
export function queryParamsToJson(
  params: Iterable<readonly [string, string]>,
  options: QueryParamsOptions,
): JsonObject {
  const { message, boundFields = [], ignoreUnknown = false } = options;
  const violations: FieldViolation[] = [];
  const violate = (field: string, description: string) => violations.push({ field, description });
  const targets = new Map<string, Target>();
  for (const [param, text] of params) {
    const head = param.split('.')[0];
    if (ignoreUnknown && !message.fields.some((f) => f.name === head || f.jsonName === head)) continue;
    const resolved = resolveParam(message, param);
    if (typeof resolved === 'string') {
      violate(param, resolved);
      continue;
    }
    const target = targets.get(resolved.protoPath) ?? { ...resolved, param, values: [] };
    target.values.push(text);
    targets.set(resolved.protoPath, target);
  }
  const json: JsonObject = {};
  const oneofs = new Map<DescOneof, { parent: string; param: string }[]>();
  for (const target of targets.values()) {
    const value =
      boundProblem(target.protoPath, boundFields) ?? oneofProblem(target, oneofs) ?? fieldValueOf(target);
    if (isProblem(value)) violate(target.param, value.problem);
    else setAt(json, target.jsonPath, value);
  }
  const [first] = violations;
  if (first !== undefined) {
    throw new AppError(
      Code.INVALID_ARGUMENT,
      PlatformReason.INVALID_REQUEST,
      `invalid query parameter "${first.field}": ${first.description}`,
      { fieldViolations: violations },
    );
  }
  return json;
}

type Problem = { problem: string };

/** Finds the field a dotted parameter names, or says why it names none. */
function resolveParam(
  message: DescMessage,
  param: string,
): Pick<Target, 'field' | 'protoPath' | 'jsonPath'> | string {
  let current = message;
  const protoPath: string[] = [];
  const jsonPath: string[] = [];
  const parts = param.split('.');
  for (const [index, part] of parts.entries()) {
    const field = current.fields.find((f) => f.name === part || f.jsonName === part);
    if (field === undefined) return `unknown query parameter: ${current.typeName} has no field "${part}"`;
    protoPath.push(field.name);
    jsonPath.push(field.jsonName);
    if (index === parts.length - 1) return { field, protoPath: protoPath.join('.'), jsonPath };
    if (field.fieldKind !== 'message' || field.message.typeName.startsWith('google.protobuf.')) {
      return `"${protoPath.join('.')}" has no fields a query can set`;
    }
    current = field.message;
  }
  return `unknown query parameter`;
}

function boundProblem(protoPath: string, boundFields: readonly string[]): Problem | undefined {
  if (boundFields.includes('*')) return { problem: 'this route takes every field from the body' };
  const bound = boundFields.find((b) => protoPath === b || protoPath.startsWith(`${b}.`));
  return bound === undefined ? undefined : { problem: `"${bound}" is already set by the URL path or body` };
}

function oneofProblem(
  target: Target,
  seen: Map<DescOneof, { parent: string; param: string }[]>,
): Problem | undefined {
  const { oneof } = target.field;
  if (oneof === undefined) return undefined;
  const parent = target.jsonPath.slice(0, -1).join('.');
  const members = seen.get(oneof) ?? [];
  const other = members.find((member) => member.parent === parent);
  members.push({ parent, param: target.param });
  seen.set(oneof, members);
  if (other === undefined) return undefined;
  return { problem: `"${other.param}" is already set, and both are in oneof ${oneof.name}` };
}

function fieldValueOf(target: Target): JsonValue | Problem {
  const { field, values } = target;
  switch (field.fieldKind) {
    case 'map':
      return { problem: 'a map field cannot be set from the query' };
    case 'list': {
      const kind = kindOf(field.listKind, field);
      if ('problem' in kind) return { problem: 'a repeated message field cannot be set from the query' };
      const parsed = values.map((text) => parseOne(kind, text));
      const bad = parsed.find((value): value is Problem => isProblem(value));
      return bad ?? (parsed as JsonValue[]);
    }
    case 'message':
      if (field.message.typeName === 'google.protobuf.FieldMask') {
        return parseOne({ kind: 'message', message: field.message }, values.join(','));
      }
      if (field.message.typeName.startsWith('google.protobuf.') && !isQueryableMessage(field.message)) {
        return { problem: `${field.message.typeName} cannot be set from a query parameter` };
      }
      if (!isQueryableMessage(field.message)) {
        const example = field.message.fields[0]?.jsonName ?? 'field';
        return { problem: `is a message: set its fields, e.g. ${target.param}.${example}` };
      }
      break;
  }
  if (values.length > 1) return { problem: `given ${values.length} times, but the field is not repeated` };
  const kind = kindOf(field.fieldKind, field);
  return 'problem' in kind ? kind : parseOne(kind, values[0] ?? '');
}

function kindOf(kind: 'scalar' | 'enum' | 'message', field: DescField): ValueKind | Problem {
  if (kind === 'scalar' && field.scalar !== undefined) return { kind, scalar: field.scalar };
  if (kind === 'enum' && field.enum !== undefined) return { kind, enum: field.enum };
  if (kind === 'message' && field.message !== undefined && isQueryableMessage(field.message)) {
    return { kind, message: field.message };
  }
  return { problem: 'this field cannot be set from the query' };
}

function parseOne(kind: ValueKind, text: string): JsonValue | Problem {
  const parsed = parseFieldValue(kind, text);
  if (parsed.ok) return parsed.value;
  // The value is echoed to the client; a long one is cut so the error stays readable.
  const shown = text.length > 64 ? `${text.slice(0, 61)}...` : text;
  return { problem: `expected ${parsed.expected}, got "${shown}"` };
}

function isProblem(value: JsonValue | Problem): value is Problem {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'problem' in value;
}

function setAt(json: JsonObject, path: readonly string[], value: JsonValue): void {
  let node = json;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      node = next;
    } else {
      const child: JsonObject = {};
      node[key] = child;
      node = child;
    }
  }
  node[path.at(-1) as string] = value;
}
