import {
  CommandKind,
  type DeviceProfile,
  type DeviceServiceService,
  ValueType,
} from '../../gen/hcs/v1/devices.ts';
import { AppError, Code, invalidField, listSome } from '../../platform/errors/index.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { frameFromMessage, frameToMessage } from './frame-messages.ts';
import { assertDefaultOrder } from './list-filter.ts';
import type { Profile } from './profile.entity.ts';
import type { ProfileInput, Profiles } from './profiles.ts';
import { UPDATABLE_PROFILE_FIELDS } from './profiles.ts';
import { DeviceReason } from './reasons.ts';
import { etagOf, idOfName } from './resource-names.ts';
import { storedFromTypedValue, typedValueFromStored, type ValueTypeName } from './typed-value.ts';

type ProfileProcedures = Pick<
  ServiceImplementation<typeof DeviceServiceService>,
  | 'createDeviceProfile'
  | 'getDeviceProfile'
  | 'listDeviceProfiles'
  | 'updateDeviceProfile'
  | 'deleteDeviceProfile'
>;

const VALUE_TYPE_NAMES: Partial<Record<ValueType, ValueTypeName>> = {
  [ValueType.VALUE_TYPE_INT64]: 'int64',
  [ValueType.VALUE_TYPE_DOUBLE]: 'double',
  [ValueType.VALUE_TYPE_BOOL]: 'bool',
  [ValueType.VALUE_TYPE_STRING]: 'string',
  [ValueType.VALUE_TYPE_BYTES]: 'bytes',
};
const VALUE_TYPES_BY_NAME: Record<ValueTypeName, ValueType> = {
  int64: ValueType.VALUE_TYPE_INT64,
  double: ValueType.VALUE_TYPE_DOUBLE,
  bool: ValueType.VALUE_TYPE_BOOL,
  string: ValueType.VALUE_TYPE_STRING,
  bytes: ValueType.VALUE_TYPE_BYTES,
};

/** Maps the profile RPCs onto {@link Profiles}. */
export function profileProcedures(profiles: Profiles): ProfileProcedures {
  const withCount = async (rows: Profile[]) => {
    const counts = await profiles.deviceCounts(rows.map((row) => row.id));
    return rows.map((row) => profileToMessage(row, counts.get(row.id) ?? 0));
  };
  return {
    async createDeviceProfile(request) {
      const input = profileInputOf(requireProfile(request.deviceProfile));
      const row = await profiles.create(request.deviceProfileId, input);
      return { deviceProfile: profileToMessage(row, 0) };
    },

    async getDeviceProfile(request) {
      const row = await profiles.get(idOfName(request.name, 'deviceProfiles', 'name'));
      const [message] = await withCount([row]);
      return { deviceProfile: message };
    },

    async listDeviceProfiles(request) {
      assertDefaultOrder(request.orderBy, ['name']);
      const page = await profiles.list(request);
      return { deviceProfiles: await withCount(page.rows), nextPageToken: page.nextPageToken };
    },

    async updateDeviceProfile(request) {
      const profile = requireProfile(request.deviceProfile);
      const id = idOfName(profile.name, 'deviceProfiles', 'device_profile.name');
      const input = profileInputOf(profile);
      const fields = maskOf(request.updateMask, UPDATABLE_PROFILE_FIELDS, () => {
        const implied = new Set<string>();
        if (profile.displayName !== '') implied.add('display_name');
        if (profile.manufacturer !== '') implied.add('manufacturer');
        if (profile.model !== '') implied.add('model');
        if (profile.description !== '') implied.add('description');
        if (Object.keys(profile.labels).length > 0) implied.add('labels');
        if (profile.resources.length > 0) implied.add('resources');
        if (profile.commands.length > 0) implied.add('commands');
        return implied;
      });
      const row = await profiles.update(id, profile.etag, input, fields);
      const [message] = await withCount([row]);
      return { deviceProfile: message };
    },

    async deleteDeviceProfile(request) {
      await profiles.delete(idOfName(request.name, 'deviceProfiles', 'name'), request.etag);
      return {};
    },
  };
}

/** The update's fields: the mask, `*` for all, or with no mask what `implied` finds set. */
export function maskOf(
  mask: readonly string[] | undefined,
  updatable: readonly string[],
  implied: () => Set<string>,
): Set<string> {
  if (mask === undefined || mask.length === 0) return implied();
  if (mask.includes('*')) return new Set(updatable);
  const bad = mask.filter((path) => !updatable.includes(path));
  if (bad.length > 0) {
    throw invalidField(
      DeviceReason.INVALID_UPDATE_MASK,
      'update_mask',
      `cannot update ${listSome(bad)}: updatable fields are ${updatable.join(', ')}`,
    );
  }
  return new Set(mask);
}

function requireProfile(profile: DeviceProfile | undefined): DeviceProfile {
  if (profile === undefined) {
    throw invalidField(DeviceReason.INVALID_PROFILE, 'device_profile', 'device_profile is required');
  }
  return profile;
}

/** A proto profile as the document the domain checks; unset enums are refused here, by field. */
export function profileInputOf(profile: DeviceProfile): ProfileInput {
  const typeOf = (type: ValueType, field: string, optional = false): ValueTypeName | undefined => {
    const name = VALUE_TYPE_NAMES[type];
    if (name === undefined && !optional) {
      throw invalidField(
        DeviceReason.INVALID_PROFILE,
        field,
        `${field} must be one of INT64, DOUBLE, BOOL, STRING, BYTES`,
      );
    }
    return name;
  };
  return {
    displayName: profile.displayName,
    manufacturer: profile.manufacturer,
    model: profile.model,
    description: profile.description,
    labels: profile.labels,
    resources: profile.resources.map((resource, index) => ({
      name: resource.name,
      description: resource.description,
      valueType: typeOf(resource.valueType, `device_profile.resources[${index}].value_type`) as ValueTypeName,
      units: resource.units,
      ...optionalNumbers(resource),
      readOnly: resource.readOnly,
      attributes: resource.attributes,
    })),
    commands: profile.commands.map((command, index) => {
      if (command.kind !== CommandKind.COMMAND_KIND_READ && command.kind !== CommandKind.COMMAND_KIND_WRITE) {
        throw invalidField(
          DeviceReason.INVALID_PROFILE,
          `device_profile.commands[${index}].kind`,
          'kind must be READ or WRITE',
        );
      }
      return {
        name: command.name,
        description: command.description,
        kind: command.kind === CommandKind.COMMAND_KIND_READ ? ('read' as const) : ('write' as const),
        resources: command.resources,
        attributes: command.attributes,
        ...(command.frame === undefined ? {} : { frame: frameFromMessage(command.frame) }),
        parameters: command.parameters.map((parameter, position) => {
          const valueType = typeOf(
            parameter.valueType,
            `device_profile.commands[${index}].parameters[${position}].value_type`,
            true,
          );
          const stored =
            parameter.defaultValue === undefined ? undefined : storedFromTypedValue(parameter.defaultValue);
          return {
            name: parameter.name,
            description: parameter.description,
            ...(valueType === undefined ? {} : { valueType }),
            required: parameter.required,
            ...(stored === undefined ? {} : { default: stored }),
            ...optionalNumbers(parameter),
            resource: parameter.resource,
          };
        }),
      };
    }),
  };
}

function optionalNumbers(spec: {
  minimum?: number | undefined;
  maximum?: number | undefined;
  scale?: number | undefined;
  offset?: number | undefined;
}) {
  const result: Record<string, number> = {};
  for (const key of ['minimum', 'maximum', 'scale', 'offset'] as const) {
    const value = spec[key];
    if (value !== undefined) {
      if (!Number.isFinite(value))
        throw new AppError(Code.INVALID_ARGUMENT, DeviceReason.INVALID_PROFILE, `${key} must be finite`);
      result[key] = value;
    }
  }
  return result;
}

/** A profile row as its proto message. */
export function profileToMessage(row: Profile, deviceCount: number): DeviceProfile {
  return {
    name: `deviceProfiles/${row.id}`,
    displayName: row.displayName,
    manufacturer: row.manufacturer,
    model: row.model,
    description: row.description,
    labels: row.labels,
    resources: row.body.resources.map((resource) => ({
      name: resource.name,
      description: resource.description,
      valueType: VALUE_TYPES_BY_NAME[resource.valueType],
      units: resource.units,
      minimum: resource.minimum,
      maximum: resource.maximum,
      scale: resource.scale,
      offset: resource.offset,
      readOnly: resource.readOnly,
      attributes: resource.attributes,
    })),
    commands: row.body.commands.map((command) => ({
      name: command.name,
      description: command.description,
      kind: command.kind === 'read' ? CommandKind.COMMAND_KIND_READ : CommandKind.COMMAND_KIND_WRITE,
      resources: command.resources,
      attributes: command.attributes,
      frame: frameToMessage(command.frame),
      parameters: command.parameters.map((parameter) => ({
        name: parameter.name,
        description: parameter.description,
        valueType: VALUE_TYPES_BY_NAME[parameter.valueType],
        required: parameter.required,
        defaultValue: parameter.default === undefined ? undefined : typedValueFromStored(parameter.default),
        minimum: parameter.minimum,
        maximum: parameter.maximum,
        resource: parameter.resource,
      })),
    })),
    deviceCount,
    createTime: row.createTime,
    updateTime: row.updateTime,
    etag: etagOf(row.revision),
    revision: String(row.revision),
    builtIn: row.source === 'built-in',
  };
}
