import {
  type AllowedCommand as AllowedCommandMessage,
  ScalarType,
  type SystemServiceService,
} from '../../gen/hcs/v1/system.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { durationFromMs, pageSizeOf } from '../common/index.ts';
import type { AllowedCommand, AllowList, CommandParameter } from './allowed-commands.ts';
import { pageOfSorted } from './name-page.ts';
import { maskedValueOf } from './secret-masking.ts';

/** The allow-list RPC of SystemService. */
export type AllowedCommandProcedures = Pick<
  ServiceImplementation<typeof SystemServiceService>,
  'listAllowedCommands'
>;

/** ListAllowedCommands over the allow-list loaded at start (empty when none is configured). */
export function allowedCommandProcedures(allowList: () => AllowList | undefined): AllowedCommandProcedures {
  return {
    async listAllowedCommands(request) {
      const commands = allowList()?.commands ?? [];
      const page = pageOfSorted(commands, pageSizeOf(request.pageSize), request.pageToken, 'c1:');
      return {
        allowedCommands: page.items.map(allowedCommandToMessage),
        nextPageToken: page.nextPageToken,
      };
    },
  };
}

const TYPES = {
  enum: ScalarType.SCALAR_TYPE_ENUM,
  integer: ScalarType.SCALAR_TYPE_INTEGER,
  string: ScalarType.SCALAR_TYPE_STRING,
};

/** The proto `AllowedCommand`, its argv exactly as it will run and secret-like values masked. */
export function allowedCommandToMessage(command: AllowedCommand): AllowedCommandMessage {
  return {
    name: `allowedCommands/${command.name}`,
    description: command.description,
    executable: command.executable,
    arguments: command.parameters.map(parameterToMessage),
    defaultTimeout: durationFromMs(command.defaultTimeoutMs),
    maxTimeout: durationFromMs(command.maxTimeoutMs),
    maxOutputBytes: String(command.maxOutputBytes),
    argv: [...command.argv],
    workingDirectory: command.workingDirectory ?? '',
    environment: Object.fromEntries(
      Object.entries(command.environment).map(([name, value]) => [name, maskedValueOf(name, value).value]),
    ),
    sha256: command.sha256 ?? '',
  };
}

function parameterToMessage(parameter: CommandParameter) {
  const { spec } = parameter;
  return {
    name: parameter.name,
    description: spec.description,
    type: TYPES[spec.type],
    required: spec.required,
    defaultValue: spec.default ?? '',
    allowedValues: spec.type === 'enum' ? [...spec.values] : [],
    pattern: spec.type === 'string' ? spec.pattern : '',
    minimum: spec.type === 'integer' ? String(spec.min) : '0',
    maximum: spec.type === 'integer' ? String(spec.max) : '0',
    allowLeadingDash: spec.allowLeadingDash,
  };
}
