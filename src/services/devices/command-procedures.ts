import type { EntityManager } from '@mikro-orm/core';
import {
  type CommandExecution,
  CommandExecutionState,
  type DeviceServiceService,
  type Reading,
} from '../../gen/hcs/v1/devices.ts';
import { AppError, type Code, invalidField } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { callFactsOf, durationFromMs, msFromDuration } from '../common/index.ts';
import type { Execution, ExecutionState } from './command-execution.entity.ts';
import { type CommandExecutions, DEFAULT_COMMAND_TIMEOUT_MS } from './command-executions.ts';
import { MAX_COMMAND_TIMEOUT_MS } from './device-hardware.ts';
import type { Devices } from './devices.ts';
import type { LatestReadings } from './latest-readings.ts';
import { assertDefaultOrder } from './list-filter.ts';
import { ProfileSchema } from './profile.entity.ts';
import { DeviceReason } from './reasons.ts';
import { executionIdsOfName, idOfName } from './resource-names.ts';
import { type StoredReading, typedValueFromStored } from './typed-value.ts';

type CommandProcedures = Pick<
  ServiceImplementation<typeof DeviceServiceService>,
  | 'executeCommand'
  | 'getCommandExecution'
  | 'cancelCommandExecution'
  | 'listCommandExecutions'
  | 'getReadings'
>;

const STATES: Record<ExecutionState, CommandExecutionState> = {
  queued: CommandExecutionState.COMMAND_EXECUTION_STATE_QUEUED,
  running: CommandExecutionState.COMMAND_EXECUTION_STATE_RUNNING,
  succeeded: CommandExecutionState.COMMAND_EXECUTION_STATE_SUCCEEDED,
  failed: CommandExecutionState.COMMAND_EXECUTION_STATE_FAILED,
  timed_out: CommandExecutionState.COMMAND_EXECUTION_STATE_TIMED_OUT,
  cancelled: CommandExecutionState.COMMAND_EXECUTION_STATE_CANCELLED,
  rejected: CommandExecutionState.COMMAND_EXECUTION_STATE_REJECTED,
};

/** Maps the command and reading RPCs onto {@link CommandExecutions} and {@link LatestReadings}. */
export function commandProcedures(
  executions: CommandExecutions,
  devices: Devices,
  readings: LatestReadings,
  em: () => EntityManager,
): CommandProcedures {
  return {
    async executeCommand(request, ctx) {
      const device = idOfName(request.name, 'devices', 'name');
      const timeoutMs =
        request.timeout === undefined ? DEFAULT_COMMAND_TIMEOUT_MS : msFromDuration(request.timeout);
      if (!(timeoutMs > 0 && timeoutMs <= MAX_COMMAND_TIMEOUT_MS)) {
        throw invalidField(DeviceReason.INVALID_TIMEOUT, 'timeout', 'timeout must be above 0 and at most 5m');
      }
      const row = await executions.execute({
        device,
        command: request.command,
        parameters: request.parameters,
        jsonParameters: request.jsonParameters,
        timeoutMs,
        requestId: request.requestId,
        actor: ctx.principal.subject,
        admin: ctx.principal.roles.includes('admin'),
        facts: callFactsOf(ctx),
        signal: ctx.signal,
      });
      const message = executionToMessage(row);
      if (row.state !== 'succeeded') {
        throw new AppError(
          row.errorCode as Code,
          row.stateReason || 'COMMAND_FAILED',
          row.errorMessage || `${message.name} ended ${row.state}`,
          {
            metadata: { command_execution: message.name, state: row.state.toUpperCase() },
          },
        );
      }
      return {
        commandExecution: message.name,
        readings: message.readings,
        duration: message.duration,
        execution: message,
      };
    },

    async getCommandExecution(request) {
      const { device, id } = executionIdsOfName(request.name);
      return { commandExecution: executionToMessage(await executions.get(device, id)) };
    },

    async cancelCommandExecution(request, ctx) {
      const { device, id } = executionIdsOfName(request.name);
      return { commandExecution: executionToMessage(await executions.cancel(device, id, callFactsOf(ctx))) };
    },

    async listCommandExecutions(request) {
      assertDefaultOrder(request.orderBy, ['start_time desc']);
      const device =
        request.parent === 'devices/-' ? undefined : idOfName(request.parent, 'devices', 'parent');
      const page = await executions.list({
        device,
        pageSize: request.pageSize,
        pageToken: request.pageToken,
        filter: request.filter,
      });
      return { commandExecutions: page.rows.map(executionToMessage), nextPageToken: page.nextPageToken };
    },

    async getReadings(request) {
      const row = await devices.get(idOfName(request.device, 'devices', 'device'));
      const profile = await em().findOne(ProfileSchema, { id: row.profile });
      const order = profile?.body.resources.map((resource) => resource.name) ?? [];
      const unknown = request.resources.filter((name) => !order.includes(name));
      if (unknown.length > 0) {
        throw invalidField(
          DeviceReason.INVALID_PARAMETER,
          'resources',
          `deviceProfiles/${row.profile} has no resource ${JSON.stringify(unknown[0]?.slice(0, 63))}`,
        );
      }
      const wanted =
        request.resources.length === 0 ? order : order.filter((name) => request.resources.includes(name));
      const latest = readings.of(row.id);
      return {
        readings: wanted.flatMap((name) => {
          const reading = latest.get(name);
          return reading === undefined ? [] : [readingToMessage(row.id, reading)];
        }),
      };
    },
  };
}

/** A stored reading as its proto message. */
export function readingToMessage(device: string, reading: StoredReading): Reading {
  return {
    device: `devices/${device}`,
    resource: reading.resource,
    value: typedValueFromStored(reading.value),
    units: reading.units,
    readTime: new Date(reading.readTime),
  };
}

/** An execution row as its proto message. */
export function executionToMessage(row: Execution): CommandExecution {
  const ended = row.endTime ?? undefined;
  return {
    name: `devices/${row.device}/commandExecutions/${row.id}`,
    command: row.command,
    parameters: Object.fromEntries(
      Object.entries(row.parameters).map(([name, value]) => [name, typedValueFromStored(value)]),
    ),
    state: STATES[row.state],
    readings: row.readings.map((reading) => readingToMessage(row.device, reading)),
    error: row.errorCode === 0 ? undefined : { code: row.errorCode, message: row.errorMessage, details: [] },
    actor: row.actor,
    job: row.job === '' ? '' : `jobs/${row.job}`,
    startTime: row.startTime ?? undefined,
    endTime: ended,
    duration:
      ended !== undefined && row.startTime
        ? durationFromMs(ended.getTime() - row.startTime.getTime())
        : undefined,
    requestId: row.requestId ?? '',
    stateReason: row.stateReason,
    createTime: row.createTime,
    node: row.node,
  };
}
