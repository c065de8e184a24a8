import type { TypedValue } from '../../gen/hcs/v1/devices.ts';
import { AppError, Code, type FieldViolation } from '../../platform/errors/index.ts';
import { fieldValueProblem } from './binary-codec.ts';
import type { FieldType } from './frame-schema.ts';
import type { ParameterSpec, ProfileBody, ResourceSpec } from './profile-schema.ts';
import { DeviceReason } from './reasons.ts';
import {
  numericOf,
  type StoredValue,
  storedFromJson,
  storedFromTypedValue,
  typeOfTypedValue,
} from './typed-value.ts';

const MAX_VALUE_BYTES = 64 * 1024;

/**
 * The parameter values of one call, checked against the command's declaration before
 * anything is recorded or sent: every name known, required ones present, each value of the
 * parameter's type (JSON values converted to it) and inside its range; omitted optional ones
 * take their default; a value a binary frame writes fits its field once made raw (`resources`
 * give the transforms). INVALID_ARGUMENT `INVALID_PARAMETER` with one violation per bad field,
 * each naming the allowed type or range.
 */
export function resolveParameters(
  command: ProfileBody['commands'][number],
  typed: Readonly<Record<string, TypedValue>>,
  json: Readonly<Record<string, unknown>>,
  resources: readonly ResourceSpec[],
): Record<string, StoredValue> {
  const violations: FieldViolation[] = [];
  const specs = new Map(command.parameters.map((spec) => [spec.name, spec]));
  const known = command.parameters.map((spec) => spec.name).join(', ') || 'none';
  const values: Record<string, StoredValue> = {};
  for (const [field, given] of [
    ['parameters', Object.keys(typed)],
    ['json_parameters', Object.keys(json)],
  ] as const) {
    for (const name of given) {
      if (!specs.has(name)) {
        violations.push({
          field: `${field}.${name}`,
          description: `${command.name} has no parameter "${name.slice(0, 63)}" (its parameters: ${known})`,
        });
      }
    }
  }
  for (const spec of command.parameters) {
    const inTyped = Object.hasOwn(typed, spec.name);
    const inJson = Object.hasOwn(json, spec.name);
    if (inTyped && inJson) {
      violations.push({ field: `json_parameters.${spec.name}`, description: `${spec.name} is given twice` });
      continue;
    }
    const field = `${inJson ? 'json_parameters' : 'parameters'}.${spec.name}`;
    let value: StoredValue | undefined;
    if (inTyped) {
      const given = typed[spec.name] as TypedValue;
      value = typeOfTypedValue(given) === spec.valueType ? storedFromTypedValue(given) : undefined;
    } else if (inJson) {
      value = storedFromJson(json[spec.name], spec.valueType);
    } else if (spec.default !== undefined) {
      value = spec.default;
    } else {
      if (spec.required)
        violations.push({ field, description: `${spec.name} is required (${describe(spec)})` });
      continue;
    }
    if (value === undefined) {
      violations.push({ field, description: `${spec.name} must be ${describe(spec)}` });
      continue;
    }
    const problem = rangeProblem(spec, value) ?? frameProblem(command, spec, value, resources);
    if (problem !== undefined) violations.push({ field, description: problem });
    else values[spec.name] = value;
  }
  if (violations.length > 0) {
    throw new AppError(
      Code.INVALID_ARGUMENT,
      DeviceReason.INVALID_PARAMETER,
      `invalid parameters for ${command.name}: ${violations[0]?.field}: ${violations[0]?.description}`,
      { fieldViolations: violations },
    );
  }
  return values;
}

function describe(spec: ParameterSpec): string {
  const upper = spec.valueType.toUpperCase();
  const type = `${/^[AEIOU]/.test(upper) ? 'an' : 'a'} ${upper}`;
  if (spec.minimum !== undefined && spec.maximum !== undefined)
    return `${type} from ${spec.minimum} to ${spec.maximum}`;
  if (spec.minimum !== undefined) return `${type} of at least ${spec.minimum}`;
  if (spec.maximum !== undefined) return `${type} of at most ${spec.maximum}`;
  return type;
}

function rangeProblem(spec: ParameterSpec, value: StoredValue): string | undefined {
  const number = numericOf(value);
  if (number !== undefined) {
    const outside =
      Number.isNaN(number) ||
      (spec.minimum !== undefined && number < spec.minimum) ||
      (spec.maximum !== undefined && number > spec.maximum);
    return outside ? `${spec.name} must be ${describe(spec)}, got ${value.value}` : undefined;
  }
  const bytes =
    value.type === 'bytes'
      ? Buffer.from(value.value, 'base64').length
      : Buffer.byteLength(String(value.value));
  return bytes > MAX_VALUE_BYTES ? `${spec.name} is longer than 64 KiB` : undefined;
}

/** Why a frame of the command cannot carry the value, once made raw; undefined when every field can. */
function frameProblem(
  command: ProfileBody['commands'][number],
  spec: ParameterSpec,
  value: StoredValue,
  resources: readonly ResourceSpec[],
): string | undefined {
  const resource = spec.resource === '' ? undefined : resources.find((r) => r.name === spec.resource);
  for (const field of command.frame?.request ?? []) {
    if (field.parameter !== spec.name) continue;
    const problem = fieldValueProblem(field.type as FieldType, field.length, spec, value, resource);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
