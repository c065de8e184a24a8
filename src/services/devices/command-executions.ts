import type { EntityManager } from '@mikro-orm/core';
import type { TypedValue } from '../../gen/hcs/v1/devices.ts';
import { type AuditLog, createUlid } from '../../platform/db/index.ts';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import type { Lock } from '../../platform/lock/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import {
  type CallFacts,
  findKeysetPage,
  type KeysetOrder,
  ListReason,
  localCallFacts,
} from '../common/index.ts';
import { RAW_PROFILE_ID } from './built-in-profiles.ts';
import {
  EXECUTION_STATES,
  type Execution,
  ExecutionSchema,
  TERMINAL_STATES,
} from './command-execution.entity.ts';
import type { PreparedCommand } from './command-io.ts';
import { resolveParameters } from './command-parameters.ts';
import type { Device } from './device.entity.ts';
import type { DeviceDirectory } from './device-directory.ts';
import type { DeviceHardware } from './device-hardware.ts';
import { liveStateOf } from './device-state.ts';
import { createExecutionJournal } from './execution-journal.ts';
import { cancelledError, createExecutionRecords } from './execution-records.ts';
import { createExecutionRunner } from './execution-runner.ts';
import type { LatestReadings } from './latest-readings.ts';
import { compileEqualityFilter } from './list-filter.ts';
import type { Profile } from './profile.entity.ts';
import { DeviceReason } from './reasons.ts';

/** Default time a command may take once it runs: 5 s, as the contract says. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What one ExecuteCommand asks for. */
export interface ExecuteInput {
  device: string;
  command: string;
  parameters: Record<string, TypedValue>;
  jsonParameters: Record<string, unknown>;
  timeoutMs: number;
  /** '' for none. */
  requestId: string;
  actor: string;
  /** Administrators may use the raw profile. */
  admin: boolean;
  facts: CallFacts;
  /** The job running the command as a step (its id); omitted for direct calls. */
  job?: string;
  /** The call's signal: ending it stops the waiting, never the execution. */
  signal: AbortSignal;
}

/** Options of {@link createCommandExecutions}. */
export interface CommandExecutionsOptions {
  em: () => EntityManager;
  hardware: DeviceHardware;
  /** Where the devices and profiles commands name are read. */
  directory: DeviceDirectory;
  readings: LatestReadings;
  audit: AuditLog;
  lock: Lock;
  logger: Logger;
  /** Names this node in the rows it owns; stable across restarts of the same installation. */
  node: string;
  queueDepth: number;
  /** Told about every transition written (QUEUED, RUNNING, ended), e.g. to publish events; must not throw. */
  onTransition?: (row: Execution) => void;
}

const EXECUTION_ORDER: KeysetOrder<Execution> = {
  key: 'id',
  direction: 'desc',
  cursorPrefix: 'x1:',
  keyPattern: /^[0-9A-Z]{26}$/,
};

/** Command executions: checked, recorded, queued per device, run once, listed. */
export type CommandExecutions = ReturnType<typeof createCommandExecutions>;

/**
 * Runs profile commands as recorded executions. An execution belongs to this node, not to the
 * call: a caller going away stops its waiting, never the command; CancelCommandExecution or the
 * timeout end it early. Commands of one device run one at a time, in order, and under the
 * device's lock (`devices/{id}`) so replicas sharing hardware never interleave.
 */
export function createCommandExecutions(options: CommandExecutionsOptions) {
  const { em, hardware, directory, readings, audit, lock, logger, node } = options;
  const journal = createExecutionJournal({ em, audit });
  const records = createExecutionRecords({
    em,
    journal,
    ...(options.onTransition === undefined ? {} : { onTransition: options.onTransition }),
  });
  const { nameOf, load, finish } = records;
  const runner = createExecutionRunner({
    records,
    journal,
    hardware,
    readings,
    lock,
    logger,
    node,
    queueDepth: options.queueDepth,
  });
  const { enqueue, waitForEnd } = runner;

  function prepare(
    profile: Profile,
    commandName: string,
    parameters: Execution['parameters'],
  ): PreparedCommand {
    const command = profile.body.commands.find((candidate) => candidate.name === commandName);
    if (command === undefined) {
      throw invalidFieldNotFound(commandName, profile.id);
    }
    return { command, parameters, resources: new Map(profile.body.resources.map((r) => [r.name, r])) };
  }

  return {
    nameOf,

    /**
     * Executes a command and waits for its end (see the ExecuteCommand contract for every
     * refusal). A `requestId` this actor used before returns that execution, waiting while it
     * has not ended, and sends nothing; the unique index decides when two calls race, so an
     * execution with a request id is written before it runs. One without is written once it
     * ends (or is slow to), with the group commit of its peers.
     */
    async execute(input: ExecuteInput): Promise<Execution> {
      const device = await directory.device(input.device);
      const profile = await directory.profile(device.profile);
      const command = profile.body.commands.find((candidate) => candidate.name === input.command);
      if (command === undefined) throw invalidFieldNotFound(input.command, profile.id);
      if (profile.id === RAW_PROFILE_ID && !input.admin) {
        throw new AppError(
          Code.PERMISSION_DENIED,
          DeviceReason.RAW_ACCESS_DENIED,
          'commands of the raw profile are for administrators only',
        );
      }
      const parameters = resolveParameters(
        command,
        input.parameters,
        input.jsonParameters,
        profile.body.resources,
      );
      if (!(input.timeoutMs > 0 && input.timeoutMs <= 300_000)) {
        throw invalidField(DeviceReason.INVALID_TIMEOUT, 'timeout', 'timeout must be above 0 and at most 5m');
      }
      if (input.requestId !== '' && !REQUEST_ID.test(input.requestId)) {
        throw invalidField(
          DeviceReason.INVALID_REQUEST_ID,
          'request_id',
          'request_id must be 1 to 128 characters of [A-Za-z0-9._:-]',
        );
      }
      const earlier =
        input.requestId === ''
          ? null
          : await em().findOne(ExecutionSchema, { actor: input.actor, requestId: input.requestId });
      if (earlier !== null) return waitForEnd(earlier, input.signal);
      const row: Execution = {
        id: createUlid(),
        device: device.id,
        command: command.name,
        parameters,
        profileRevision: profile.revision,
        state: 'queued',
        stateReason: '',
        errorCode: 0,
        errorMessage: '',
        readings: [],
        actor: input.actor,
        requestId: input.requestId === '' ? null : input.requestId,
        job: input.job ?? '',
        node,
        timeoutMs: input.timeoutMs,
        createTime: new Date(),
        startTime: null,
        endTime: null,
      };
      if (!(await records.create(row, input.facts, { durable: row.requestId !== null }))) {
        const first = await em().findOne(ExecutionSchema, { actor: input.actor, requestId: input.requestId });
        if (first === null)
          throw new AppError(
            Code.ABORTED,
            DeviceReason.EXECUTION_NOT_FOUND,
            'the execution with this request_id vanished; try again',
          );
        return waitForEnd(first, input.signal);
      }
      const refusal = refusalOf(device);
      if (refusal !== undefined) return finish(row, 'rejected', { error: refusal }, input.facts);
      const prepared = {
        command,
        parameters,
        resources: new Map(profile.body.resources.map((r) => [r.name, r])),
      };
      try {
        void enqueue(row, device, prepared, input.facts);
      } catch (error) {
        return finish(row, 'rejected', { error: AppError.from(error) }, input.facts);
      }
      return waitForEnd(row, input.signal);
    },

    async get(device: string, id: string): Promise<Execution> {
      return load(device, id);
    },

    /** Cancels a QUEUED or RUNNING execution of this node (see the CancelCommandExecution contract). */
    async cancel(device: string, id: string, facts: CallFacts): Promise<Execution> {
      const row = await load(device, id);
      if (TERMINAL_STATES.has(row.state)) {
        throw new AppError(
          Code.FAILED_PRECONDITION,
          DeviceReason.EXECUTION_ENDED,
          `${nameOf(row)} has already ended (${row.state})`,
        );
      }
      const local = runner.cancel(id);
      if (local === undefined) {
        if (row.node !== node) {
          throw new AppError(
            Code.FAILED_PRECONDITION,
            DeviceReason.EXECUTION_ELSEWHERE,
            `${nameOf(row)} runs on node ${row.node}, which alone can cancel it`,
          );
        }
        return finish(row, 'cancelled', { error: cancelledError(row) }, facts);
      }
      return local;
    },

    async list(request: { device: string | undefined; pageSize: number; pageToken: string; filter: string }) {
      const where: Record<string, unknown> = compileEqualityFilter(request.filter, {
        command: { column: 'command' },
        state: {
          column: 'state',
          value: (text) => {
            const state = text.replace(/^COMMAND_EXECUTION_STATE_/, '').toLowerCase();
            return (EXECUTION_STATES as readonly string[]).includes(state) ? state : undefined;
          },
        },
        actor: { column: 'actor' },
        job: { column: 'job', value: (text) => (text.startsWith('jobs/') ? text.slice(5) : undefined) },
      });
      if (where.labels !== undefined) {
        throw invalidField(ListReason.INVALID_LIST_OPTION, 'filter', 'command executions have no labels');
      }
      if (request.device !== undefined) where.device = request.device;
      return findKeysetPage(em(), ExecutionSchema, where as never, EXECUTION_ORDER, request);
    },

    /**
     * Picks up this node's work after a restart: RUNNING executions end TIMED_OUT `RESTART`
     * (the device may have acted, so they are never re-sent); QUEUED ones run, in order.
     */
    async recover(): Promise<void> {
      const facts = localCallFacts('hcs.v1.DeviceService.ExecuteCommand');
      const running = await em().find(ExecutionSchema, { node, state: 'running' });
      for (const row of running) {
        await finish(
          row,
          'timed_out',
          {
            error: new AppError(
              Code.DEADLINE_EXCEEDED,
              DeviceReason.RESTART,
              `the server restarted while ${row.command} was running; the device may have acted`,
            ),
          },
          facts,
        );
      }
      const queued = await em().find(ExecutionSchema, { node, state: 'queued' }, { orderBy: { id: 'asc' } });
      for (const row of queued) {
        try {
          const device = await directory.device(row.device);
          const profile = await directory.profile(device.profile);
          void enqueue(row, device, prepare(profile, row.command, row.parameters), {
            ...facts,
            actor: row.actor,
          });
        } catch (error) {
          await finish(row, 'rejected', { error: AppError.from(error) }, facts);
        }
      }
    },

    /**
     * Stops taking work; waiting rows stay QUEUED and running ones RUNNING, for {@link recover},
     * once every execution still in memory is written.
     */
    async close(): Promise<void> {
      runner.close();
      await records.recordAll();
      await journal.drain();
    },
  };

  function refusalOf(device: Device): AppError | undefined {
    if (device.adminState === 'locked') {
      return new AppError(
        Code.FAILED_PRECONDITION,
        DeviceReason.DEVICE_LOCKED,
        `devices/${device.id} is LOCKED; unlock it to send commands`,
      );
    }
    const state = liveStateOf(hardware, device);
    if (state.presence === 'absent') {
      return new AppError(
        Code.FAILED_PRECONDITION,
        DeviceReason.DEVICE_ABSENT,
        `devices/${device.id} is ABSENT: ${state.reason}`,
      );
    }
    if (state.operating === 'down') {
      const adapterDown = state.presence === 'unknown';
      return new AppError(
        Code.UNAVAILABLE,
        adapterDown ? DeviceReason.ADAPTER_UNAVAILABLE : DeviceReason.DEVICE_DOWN,
        `devices/${device.id} is DOWN: ${state.reason}`,
      );
    }
    return undefined;
  }
}

function invalidFieldNotFound(command: string, profile: string): AppError {
  return new AppError(
    Code.NOT_FOUND,
    DeviceReason.COMMAND_NOT_FOUND,
    `deviceProfiles/${profile} has no command ${JSON.stringify(command.slice(0, 63))}`,
    {
      fieldViolations: [
        { field: 'command', description: `no command ${JSON.stringify(command.slice(0, 63))}` },
      ],
    },
  );
}
