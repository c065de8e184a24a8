import { invalidField } from '../../platform/errors/index.ts';
import type { AllowedCommand, CommandParameter } from './allowed-commands.ts';
import { SystemReason } from './reasons.ts';

/** Longest argument value accepted, in characters. */
const MAX_VALUE_LENGTH = 4096;
const INTEGER = /^-?(0|[1-9][0-9]{0,18})$/;

/**
 * Why `value` is not acceptable for `parameter`, or undefined when it is. A NUL never is (an
 * argv string cannot hold it); a leading `-` only when the parameter allows it, so a value
 * cannot turn into an option of the executable.
 */
export function parameterValueProblem(parameter: CommandParameter, value: string): string | undefined {
  const { spec } = parameter;
  if (value.includes('\u0000')) return 'contains NUL';
  if (value.length > MAX_VALUE_LENGTH) return `is longer than ${MAX_VALUE_LENGTH} characters`;
  if (value.startsWith('-') && !spec.allowLeadingDash)
    return 'starts with "-", which this parameter does not allow';
  switch (spec.type) {
    case 'enum':
      return spec.values.includes(value) ? undefined : `must be one of ${spec.values.join(', ')}`;
    case 'integer': {
      if (!INTEGER.test(value)) return 'must be a base-10 integer';
      const number = BigInt(value);
      return number < BigInt(spec.min) || number > BigInt(spec.max)
        ? `must be from ${spec.min} to ${spec.max}`
        : undefined;
    }
    case 'string':
      if (value.length > spec.maxLength) return `is longer than ${spec.maxLength} characters`;
      return parameter.pattern?.test(value) ? undefined : `must match ${spec.pattern}`;
  }
}

/**
 * The command line `command` runs for `values`: its argv template with each `{parameter}`
 * replaced by the value as one whole argument (never split, never interpreted: there is no
 * shell), or left off when an optional parameter has no value and no default.
 * INVALID_ARGUMENT `INVALID_COMMAND_ARGUMENT` naming `arguments[<name>]` for an unknown,
 * missing or invalid value.
 */
export function commandLineOf(command: AllowedCommand, values: Readonly<Record<string, string>>): string[] {
  const byName = new Map(command.parameters.map((parameter) => [parameter.name, parameter]));
  for (const name of Object.keys(values)) {
    if (!byName.has(name)) {
      throw invalidField(
        SystemReason.INVALID_COMMAND_ARGUMENT,
        `arguments[${JSON.stringify(name).slice(0, 80)}]`,
        `${command.name} has no parameter ${JSON.stringify(name).slice(0, 80)}`,
      );
    }
  }
  const resolved = new Map<string, string>();
  for (const parameter of command.parameters) {
    const value = values[parameter.name] ?? parameter.spec.default;
    const field = `arguments[${parameter.name}]`;
    if (value === undefined) {
      if (parameter.spec.required) {
        throw invalidField(SystemReason.INVALID_COMMAND_ARGUMENT, field, `${parameter.name} is required`);
      }
      continue;
    }
    const problem = parameterValueProblem(parameter, value);
    if (problem !== undefined) {
      throw invalidField(SystemReason.INVALID_COMMAND_ARGUMENT, field, `${parameter.name} ${problem}`);
    }
    resolved.set(parameter.name, value);
  }
  const argv: string[] = [];
  for (const argument of command.argv) {
    const placeholder = /^\{([a-z][a-z0-9_]*)\}$/.exec(argument)?.[1];
    if (placeholder === undefined) argv.push(argument);
    else {
      const value = resolved.get(placeholder);
      if (value !== undefined) argv.push(value);
    }
  }
  return argv;
}
