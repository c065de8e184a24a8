import { z } from 'zod';
import { checkFrame, frameSchema } from './frame-schema.ts';
import { type StoredValue, storedFromJson, VALUE_TYPES, type ValueTypeName } from './typed-value.ts';

/** What a profile's id must look like: an RFC 1123 label. */
export const PROFILE_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** What resource, command and parameter names must look like. */
export const MEMBER_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

const attributes = z
  .record(z.string().max(63), z.string().max(1024))
  .refine((value) => Object.keys(value).length <= 64, 'at most 64 attributes')
  .default({});
const labels = z
  .record(z.string().min(1).max(63), z.string().max(63))
  .refine((value) => Object.keys(value).length <= 64, 'at most 64 labels')
  .default({});
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const resourceSchema = z.strictObject({
  name: z.string().regex(MEMBER_NAME, 'must be a letter followed by letters, digits and "_"'),
  description: z.string().max(1024).default(''),
  valueType: z.enum(VALUE_TYPES),
  units: z.string().max(63).default(''),
  minimum: finite.optional(),
  maximum: finite.optional(),
  scale: finite.refine((value) => value !== 0, 'must not be 0').optional(),
  offset: finite.optional(),
  readOnly: z.boolean().default(false),
  attributes,
});

const parameterSchema = z.strictObject({
  name: z.string().regex(MEMBER_NAME, 'must be a letter followed by letters, digits and "_"'),
  description: z.string().max(1024).default(''),
  /** Ignored (the resource's type applies) when `resource` is set. */
  valueType: z.enum(VALUE_TYPES).optional(),
  required: z.boolean().default(false),
  /** A plain JSON value of the parameter's type, or a stored value. */
  default: z.unknown().optional(),
  minimum: finite.optional(),
  maximum: finite.optional(),
  resource: z.string().max(63).default(''),
});

const commandSchema = z.strictObject({
  name: z.string().regex(MEMBER_NAME, 'must be a letter followed by letters, digits and "_"'),
  description: z.string().max(1024).default(''),
  kind: z.enum(['read', 'write']),
  parameters: z.array(parameterSchema).max(64).default([]),
  resources: z.array(z.string().max(63)).max(256).default([]),
  attributes,
  /** Binary mapping onto reports or transfers; line-protocol commands use `attributes` instead. */
  frame: frameSchema.optional(),
});

/** A profile document as a file holds it or the API sends it (before the consistency checks). */
export const profileDocumentSchema = z.strictObject({
  id: z.string().regex(PROFILE_ID, 'must be an RFC 1123 label starting with a letter').optional(),
  displayName: z.string().max(128).default(''),
  manufacturer: z.string().max(128).default(''),
  model: z.string().max(128).default(''),
  description: z.string().max(4096).default(''),
  labels,
  resources: z.array(resourceSchema).max(256).default([]),
  commands: z.array(commandSchema).max(256).default([]),
});

/** A profile document after parsing. */
export type ProfileDocument = z.output<typeof profileDocumentSchema>;
/** One resource of a profile. */
export type ResourceSpec = z.output<typeof resourceSchema>;
/** One command of a profile. */
export type CommandSpec = z.output<typeof commandSchema>;

/** One parameter of a command, after the consistency checks: its type and default resolved. */
export interface ParameterSpec {
  name: string;
  description: string;
  valueType: ValueTypeName;
  required: boolean;
  default?: StoredValue;
  minimum?: number;
  maximum?: number;
  resource: string;
}

/** The stored part of a profile: resources and commands, consistent with each other. */
export interface ProfileBody {
  resources: ResourceSpec[];
  commands: Array<Omit<CommandSpec, 'parameters'> & { parameters: ParameterSpec[] }>;
}

/** One consistency problem: the document path and what is wrong. */
export interface ProfileProblem {
  field: string;
  description: string;
}

/**
 * A schema violation as a problem whose path reads like the consistency checks' own:
 * `commands[2].frame.request[1].type`, proto field names (`value_type`) rather than the
 * document's (`valueType`), so a file and an API call name the same field the same way.
 */
export function problemOfIssue(issue: { path: readonly PropertyKey[]; message: string }): ProfileProblem {
  let field = '';
  for (const key of issue.path) {
    if (typeof key === 'number') field += `[${key}]`;
    else field += `${field === '' ? '' : '.'}${String(key).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
  }
  return { field, description: issue.message };
}

/**
 * Checks that resources and commands fit together (unique names, known references, ranges in
 * order, transforms only on doubles, nothing writes a read-only resource, defaults of the
 * right type and in range, line-protocol attributes that compile, frames whose fields fit
 * their parameters and resources) and resolves each
 * parameter's type. Returns the body, or every problem found.
 */
export function checkProfileBody(
  document: Pick<ProfileDocument, 'resources' | 'commands'>,
): { body: ProfileBody } | { problems: ProfileProblem[] } {
  const problems: ProfileProblem[] = [];
  const problem = (field: string, description: string) => problems.push({ field, description });
  const resources = new Map<string, ResourceSpec>();
  document.resources.forEach((resource, index) => {
    const at = `resources[${index}]`;
    if (resources.has(resource.name)) problem(`${at}.name`, `resource "${resource.name}" is declared twice`);
    resources.set(resource.name, resource);
    checkRange(resource, at, problem);
    if ((resource.scale !== undefined || resource.offset !== undefined) && resource.valueType !== 'double') {
      problem(`${at}.value_type`, 'must be DOUBLE when scale or offset is set');
    }
  });
  const commandNames = new Set<string>();
  const commands = document.commands.map((command, index) => {
    const at = `commands[${index}]`;
    if (commandNames.has(command.name)) problem(`${at}.name`, `command "${command.name}" is declared twice`);
    commandNames.add(command.name);
    command.resources.forEach((name, position) => {
      const resource = resources.get(name);
      if (resource === undefined) problem(`${at}.resources[${position}]`, `no resource named "${name}"`);
      else if (command.kind === 'write' && resource.readOnly) {
        problem(
          `${at}.resources[${position}]`,
          `resource "${name}" is read-only; a WRITE command cannot change it`,
        );
      }
    });
    const parameterNames = new Set<string>();
    const parameters = command.parameters.map((parameter, position): ParameterSpec => {
      const field = `${at}.parameters[${position}]`;
      if (parameterNames.has(parameter.name))
        problem(`${field}.name`, `parameter "${parameter.name}" is declared twice`);
      parameterNames.add(parameter.name);
      const resource = parameter.resource === '' ? undefined : resources.get(parameter.resource);
      if (parameter.resource !== '' && resource === undefined) {
        problem(`${field}.resource`, `no resource named "${parameter.resource}"`);
      } else if (resource?.readOnly === true) {
        problem(
          `${field}.resource`,
          `resource "${parameter.resource}" is read-only; no parameter may set it`,
        );
      }
      const valueType = resource?.valueType ?? parameter.valueType;
      if (valueType === undefined) {
        problem(`${field}.value_type`, 'is required when the parameter maps to no resource');
      }
      const resolved: ParameterSpec = {
        name: parameter.name,
        description: parameter.description,
        valueType: valueType ?? 'string',
        required: parameter.required,
        resource: parameter.resource,
        ...rangeOf(resource ?? parameter),
      };
      if (resource === undefined) checkRange(parameter, field, problem);
      if (parameter.default !== undefined && valueType !== undefined) {
        const value = defaultValueOf(parameter.default, valueType);
        if (value === undefined)
          problem(`${field}.default_value`, `must be of type ${valueType.toUpperCase()}`);
        else resolved.default = value;
      }
      return resolved;
    });
    checkLineAttributes(command, parameterNames, resources, at, problem);
    checkFrame(command, new Map(parameters.map((spec) => [spec.name, spec])), resources, at, problem);
    return { ...command, parameters };
  });
  return problems.length > 0 ? { problems } : { body: { resources: document.resources, commands } };
}

function rangeOf(spec: { minimum?: number | undefined; maximum?: number | undefined }) {
  return {
    ...(spec.minimum === undefined ? {} : { minimum: spec.minimum }),
    ...(spec.maximum === undefined ? {} : { maximum: spec.maximum }),
  };
}

function checkRange(
  spec: { minimum?: number | undefined; maximum?: number | undefined },
  at: string,
  problem: (field: string, description: string) => void,
): void {
  if (spec.minimum !== undefined && spec.maximum !== undefined && spec.minimum > spec.maximum) {
    problem(`${at}.minimum`, `minimum ${spec.minimum} is above maximum ${spec.maximum}`);
  }
}

function defaultValueOf(value: unknown, type: ValueTypeName): StoredValue | undefined {
  if (typeof value === 'object' && value !== null && 'type' in value && 'value' in value) {
    const stored = value as StoredValue;
    return stored.type === type ? storedFromJson(stored.value, type) : undefined;
  }
  return storedFromJson(value, type);
}

/** `request` placeholders must name parameters; `reply` must compile with groups naming the command's resources. */
function checkLineAttributes(
  command: CommandSpec,
  parameters: ReadonlySet<string>,
  resources: ReadonlyMap<string, ResourceSpec>,
  at: string,
  problem: (field: string, description: string) => void,
): void {
  const request = command.attributes.request;
  if (request !== undefined) {
    for (const match of request.matchAll(/\{([^}|]*)(\|[^}]*)?\}/g)) {
      if (!parameters.has(match[1] ?? '')) {
        problem(`${at}.attributes.request`, `placeholder {${match[1]}} names no parameter of the command`);
      }
    }
  }
  const reply = command.attributes.reply;
  if (reply === undefined) return;
  let pattern: RegExp;
  try {
    pattern = new RegExp(reply);
  } catch (error) {
    problem(`${at}.attributes.reply`, `is not a regular expression: ${(error as Error).message}`);
    return;
  }
  const groups = Object.keys(new RegExp(`${pattern.source}|`).exec('')?.groups ?? {});
  for (const group of groups) {
    if (!command.resources.includes(group) || !resources.has(group)) {
      problem(`${at}.attributes.reply`, `group "${group}" is not one of the command's resources`);
    }
  }
}
