import type { EntityManager } from '@mikro-orm/core';
import type { TypedValue } from '../../gen/hcs/v1/devices.ts';
import { AppError, invalidField } from '../../platform/errors/index.ts';
import { resolveParameters } from './command-parameters.ts';
import type { Devices } from './devices.ts';
import type { StoredCondition, StoredStep } from './job.entity.ts';
import { isNumber, ORDER_COMPARISONS } from './job-conditions.ts';
import { ProfileSchema } from './profile.entity.ts';
import { DeviceReason } from './reasons.ts';
import { storedFromTypedValue, typeOfTypedValue } from './typed-value.ts';

/** Steps in a parallel group, at least and at most. */
const GROUP_SIZE = { min: 2, max: 32 };

/** A step as a caller gives it: parameters and the wait-until value still unchecked. */
export type StepInput = Omit<StoredStep, 'parameters' | 'group' | 'condition' | 'commandKind'> & {
  parameters: Parameters<typeof resolveParameters>[1];
  condition?: Omit<StoredCondition, 'readCommand' | 'value'> & { value: TypedValue | undefined };
  group?: StepInput[];
};

/**
 * Checks every step against the devices and their profiles and returns them as stored:
 * INVALID_ARGUMENT `INVALID_JOB` naming the field for an unknown device, command or resource,
 * bad parameters, a condition whose value does not fit the resource, a nested group, or two
 * steps of one group on the same device.
 */
export async function assertValidSteps(
  em: () => EntityManager,
  devices: Devices,
  steps: readonly StepInput[],
  prefix = 'job.steps',
): Promise<StoredStep[]> {
  const stored: StoredStep[] = [];
  for (const [index, step] of steps.entries()) {
    stored.push(await assertValidStep(em, devices, step, `${prefix}[${index}]`, prefix !== 'job.steps'));
  }
  return stored;
}

async function assertValidStep(
  em: () => EntityManager,
  devices: Devices,
  step: StepInput,
  field: string,
  inGroup: boolean,
): Promise<StoredStep> {
  const { group: _group, condition: _condition, ...common } = step;
  switch (step.kind ?? 'command') {
    case 'wait':
      return { ...common, device: '', command: '', parameters: {} };
    case 'parallel': {
      const group = step.group ?? [];
      if (inGroup) {
        throw invalidField(DeviceReason.INVALID_JOB, `${field}.parallel`, 'parallel groups cannot be nested');
      }
      if (group.length < GROUP_SIZE.min || group.length > GROUP_SIZE.max) {
        throw invalidField(
          DeviceReason.INVALID_JOB,
          `${field}.parallel.steps`,
          `a parallel group has ${GROUP_SIZE.min} to ${GROUP_SIZE.max} steps`,
        );
      }
      const children = await assertValidSteps(em, devices, group, `${field}.parallel.steps`);
      const seen = new Map<string, number>();
      for (const [position, child] of children.entries()) {
        if (child.device === '') continue;
        const first = seen.get(child.device);
        if (first !== undefined) {
          throw invalidField(
            DeviceReason.INVALID_JOB,
            `${field}.parallel.steps[${position}].device`,
            `devices/${child.device} is also the device of step ${first} of the group; a group's steps run at once, so each needs its own device`,
          );
        }
        seen.set(child.device, position);
      }
      return { ...common, device: '', command: '', parameters: {}, group: children };
    }
    case 'wait_until':
      return {
        ...common,
        command: '',
        parameters: {},
        condition: await assertValidCondition(em, devices, step, field),
      };
    case 'command':
      return assertValidCommand(em, devices, step, field);
  }
}

async function profileOf(em: () => EntityManager, devices: Devices, device: string, field: string) {
  const row = await devices.get(device).catch(() => {
    throw invalidField(DeviceReason.INVALID_JOB, field, `devices/${device} does not exist`);
  });
  const profile = await em().findOne(ProfileSchema, { id: row.profile });
  return { id: row.id, body: profile?.body ?? { resources: [], commands: [] } };
}

async function assertValidCommand(
  em: () => EntityManager,
  devices: Devices,
  step: StepInput,
  field: string,
): Promise<StoredStep> {
  const { group: _group, condition: _condition, ...common } = step;
  const device = await profileOf(em, devices, step.device, `${field}.device`);
  const command = device.body.commands.find((candidate) => candidate.name === step.command);
  if (command === undefined) {
    throw invalidField(
      DeviceReason.INVALID_JOB,
      `${field}.command`,
      `devices/${device.id} has no command "${step.command.slice(0, 63)}"`,
    );
  }
  try {
    return {
      ...common,
      commandKind: command.kind,
      parameters: resolveParameters(command, step.parameters, {}, device.body.resources),
    };
  } catch (error) {
    throw invalidField(DeviceReason.INVALID_JOB, `${field}.parameters`, AppError.from(error).message);
  }
}

async function assertValidCondition(
  em: () => EntityManager,
  devices: Devices,
  step: StepInput,
  field: string,
): Promise<StoredCondition> {
  const condition = step.condition as NonNullable<StepInput['condition']>;
  const at = `${field}.wait_until`;
  const device = await profileOf(em, devices, step.device, `${at}.device`);
  const resource = device.body.resources.find((candidate) => candidate.name === condition.resource);
  if (resource === undefined) {
    throw invalidField(
      DeviceReason.INVALID_JOB,
      `${at}.resource`,
      `devices/${device.id} has no resource "${condition.resource.slice(0, 63)}"`,
    );
  }
  const type = condition.value === undefined ? undefined : typeOfTypedValue(condition.value);
  const fits =
    type !== undefined &&
    (type === resource.valueType || (isNumber({ type }) && isNumber({ type: resource.valueType })));
  if (!fits || condition.value === undefined) {
    throw invalidField(
      DeviceReason.INVALID_JOB,
      `${at}.value`,
      `${resource.name} is a ${resource.valueType}; the value must be one too`,
    );
  }
  if (ORDER_COMPARISONS.includes(condition.op) && !isNumber({ type: resource.valueType })) {
    throw invalidField(
      DeviceReason.INVALID_JOB,
      `${at}.op`,
      `${resource.name} is a ${resource.valueType}: only EQUAL and NOT_EQUAL compare it`,
    );
  }
  const read = device.body.commands.find(
    (command) =>
      command.kind === 'read' && command.resources.includes(resource.name) && command.parameters.length === 0,
  );
  return {
    resource: resource.name,
    op: condition.op,
    value: storedFromTypedValue(condition.value) as NonNullable<ReturnType<typeof storedFromTypedValue>>,
    pollIntervalMs: condition.pollIntervalMs,
    readCommand: read?.name ?? '',
  };
}
