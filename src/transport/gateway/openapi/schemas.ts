import { type DescEnum, type DescField, type DescMessage, ScalarType } from '@bufbuild/protobuf';
import { commentOf } from './comments.ts';

/** A JSON Schema (OpenAPI 3.1 dialect) object. */
export type Schema = Record<string, unknown>;

/**
 * Builds OpenAPI component schemas for messages and enums in their proto3 JSON form (the form
 * the gateway reads and writes): lowerCamelCase properties, enums as their names, 64-bit
 * integers as strings, well-known types as their JSON shapes, maps as objects, descriptions
 * from the proto comments. Components are added as they are referenced.
 */
export interface SchemaBuilder {
  /** A schema for a message or enum: a `$ref` to its component, or inline for well-known types. */
  refFor(desc: DescMessage | DescEnum): Schema;
  /** A schema for one field, in its JSON form. */
  fieldSchema(field: DescField): Schema;
  /** Every component referenced so far, by full name. */
  components(): Record<string, Schema>;
}

/** Creates an empty builder. */
export function createSchemaBuilder(): SchemaBuilder {
  const components = new Map<string, Schema>();

  function refFor(desc: DescMessage | DescEnum): Schema {
    const wellKnown = desc.kind === 'message' ? WELL_KNOWN[desc.typeName] : undefined;
    if (wellKnown !== undefined) return { ...wellKnown };
    if (!components.has(desc.typeName)) {
      components.set(desc.typeName, {}); // reserve first: messages may refer to themselves
      components.set(desc.typeName, desc.kind === 'enum' ? enumSchema(desc) : messageSchema(desc));
    }
    return { $ref: `#/components/schemas/${desc.typeName}` };
  }

  function messageSchema(desc: DescMessage): Schema {
    const properties: Record<string, Schema> = {};
    for (const field of desc.fields) properties[field.jsonName] = fieldSchema(field);
    const schema: Schema = { type: 'object', properties };
    const description = commentOf(desc);
    if (description !== '') schema.description = description;
    return schema;
  }

  function fieldSchema(field: DescField): Schema {
    let schema: Schema;
    switch (field.fieldKind) {
      case 'map': {
        const value =
          field.mapKind === 'scalar'
            ? scalarSchema(field.scalar)
            : refFor(field.mapKind === 'enum' ? field.enum : field.message);
        schema = { type: 'object', additionalProperties: value };
        break;
      }
      case 'list': {
        const item =
          field.listKind === 'scalar'
            ? scalarSchema(field.scalar)
            : refFor(field.listKind === 'enum' ? field.enum : field.message);
        schema = { type: 'array', items: item };
        break;
      }
      case 'enum':
        schema = refFor(field.enum);
        break;
      case 'message':
        schema = refFor(field.message);
        break;
      default:
        schema = scalarSchema(field.scalar);
    }
    const description = [
      commentOf(field),
      field.oneof ? `Part of the oneof \`${field.oneof.name}\`: set at most one of its fields.` : '',
    ]
      .filter((text) => text !== '')
      .join('\n\n');
    // A $ref with siblings is valid in OpenAPI 3.1 (JSON Schema 2020-12).
    return description === '' ? schema : { ...schema, description };
  }

  return {
    refFor,
    fieldSchema,
    components: () => Object.fromEntries([...components].sort(([a], [b]) => a.localeCompare(b))),
  };
}

function enumSchema(desc: DescEnum): Schema {
  const lines = desc.values.map((value) => {
    const comment = commentOf(value).replace(/\n/g, ' ');
    return comment === '' ? `- \`${value.name}\`` : `- \`${value.name}\`: ${comment}`;
  });
  const description = [commentOf(desc), lines.join('\n')].filter((text) => text !== '').join('\n\n');
  return { type: 'string', enum: desc.values.map((value) => value.name), description };
}

function scalarSchema(scalar: ScalarType): Schema {
  switch (scalar) {
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BYTES:
      return { type: 'string', format: 'byte', contentEncoding: 'base64' };
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.DOUBLE:
      return { type: 'number', format: 'double' };
    case ScalarType.FLOAT:
      return { type: 'number', format: 'float' };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: 'integer', format: 'int32' };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: 'integer', format: 'int64', minimum: 0 };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: 'string', format: 'uint64', pattern: '^[0-9]+$' };
    default:
      // int64, sint64, sfixed64: proto3 JSON writes them as strings (a double cannot hold them).
      return { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' };
  }
}

const WELL_KNOWN: Record<string, Schema> = {
  'google.protobuf.Timestamp': { type: 'string', format: 'date-time', examples: ['2026-01-01T12:00:00Z'] },
  'google.protobuf.Duration': { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$', examples: ['1.5s'] },
  'google.protobuf.FieldMask': { type: 'string', description: 'Comma-separated lowerCamelCase field paths.' },
  'google.protobuf.Struct': { type: 'object', additionalProperties: true },
  'google.protobuf.Value': {},
  'google.protobuf.ListValue': { type: 'array', items: {} },
  'google.protobuf.Empty': { type: 'object', additionalProperties: false },
  'google.protobuf.Any': {
    type: 'object',
    properties: { '@type': { type: 'string' } },
    required: ['@type'],
    additionalProperties: true,
  },
  'google.protobuf.StringValue': { type: ['string', 'null'] },
  'google.protobuf.BytesValue': { type: ['string', 'null'], format: 'byte' },
  'google.protobuf.BoolValue': { type: ['boolean', 'null'] },
  'google.protobuf.DoubleValue': { type: ['number', 'null'], format: 'double' },
  'google.protobuf.FloatValue': { type: ['number', 'null'], format: 'float' },
  'google.protobuf.Int32Value': { type: ['integer', 'null'], format: 'int32' },
  'google.protobuf.UInt32Value': { type: ['integer', 'null'], format: 'int64', minimum: 0 },
  'google.protobuf.Int64Value': { type: ['string', 'null'], format: 'int64' },
  'google.protobuf.UInt64Value': { type: ['string', 'null'], format: 'uint64' },
};
