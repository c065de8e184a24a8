import { create, createFileRegistry, type DescMessage } from '@bufbuild/protobuf';
import {
  type FieldDescriptorProto,
  FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
  file_google_protobuf_duration,
  file_google_protobuf_field_mask,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
} from '@bufbuild/protobuf/wkt';

type FieldSpec = [name: string, type: Type | string, options?: { repeated?: boolean; oneof?: number }];

function fields(specs: FieldSpec[]): FieldDescriptorProto[] {
  return specs.map(([name, type, options = {}], index) =>
    create(FieldDescriptorProtoSchema, {
      name,
      jsonName: name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()),
      number: index + 1,
      label: options.repeated ? Label.REPEATED : Label.OPTIONAL,
      ...(typeof type === 'string'
        ? { type: type.endsWith('State') ? Type.ENUM : Type.MESSAGE, typeName: type }
        : { type }),
      ...(options.oneof === undefined ? {} : { oneofIndex: options.oneof }),
    }),
  );
}

const wkt = [
  file_google_protobuf_timestamp,
  file_google_protobuf_duration,
  file_google_protobuf_field_mask,
  file_google_protobuf_wrappers,
  file_google_protobuf_struct,
];

/**
 * The request message of the query tests, as if compiled from:
 * `enum State { STATE_UNSPECIFIED = 0; STATE_UP = 1; STATE_DOWN = 2; }`,
 * `message Filter { State state; string display_name; Filter nested; }`, `message Item { string id; }`
 * and `message Query` with a field of every kind a query may or may not set (see below).
 */
const file = create(FileDescriptorProtoSchema, {
  name: 'test/v1/query.proto',
  package: 'test.v1',
  syntax: 'proto3',
  dependency: wkt.map((f) => f.proto.name),
  enumType: [
    {
      name: 'State',
      value: [
        { name: 'STATE_UNSPECIFIED', number: 0 },
        { name: 'STATE_UP', number: 1 },
        { name: 'STATE_DOWN', number: 2 },
      ],
    },
  ],
  messageType: [
    {
      name: 'Filter',
      field: fields([
        ['state', '.test.v1.State'],
        ['display_name', Type.STRING],
        ['nested', '.test.v1.Filter'],
      ]),
    },
    { name: 'Item', field: fields([['id', Type.STRING]]) },
    {
      name: 'Query',
      oneofDecl: [{ name: 'target' }],
      nestedType: [
        {
          name: 'LabelsEntry',
          options: { mapEntry: true },
          field: fields([
            ['key', Type.STRING],
            ['value', Type.STRING],
          ]),
        },
      ],
      field: fields([
        ['name', Type.STRING],
        ['page_size', Type.INT32],
        ['verbose', Type.BOOL],
        ['big', Type.INT64],
        ['small', Type.UINT32],
        ['ratio', Type.DOUBLE],
        ['scale', Type.FLOAT],
        ['blob', Type.BYTES],
        ['state', '.test.v1.State'],
        ['tags', Type.STRING, { repeated: true }],
        ['sizes', Type.INT32, { repeated: true }],
        ['states', '.test.v1.State', { repeated: true }],
        ['filter', '.test.v1.Filter'],
        ['start_time', '.google.protobuf.Timestamp'],
        ['window', '.google.protobuf.Duration'],
        ['update_mask', '.google.protobuf.FieldMask'],
        ['max_count', '.google.protobuf.Int64Value'],
        ['enabled', '.google.protobuf.BoolValue'],
        ['labels', '.test.v1.Query.LabelsEntry', { repeated: true }],
        ['items', '.test.v1.Item', { repeated: true }],
        ['extra', '.google.protobuf.Struct'],
        ['device_id', Type.STRING, { oneof: 0 }],
        ['group_id', Type.STRING, { oneof: 0 }],
        ['huge', Type.UINT64],
        ['delta', Type.SINT32],
        ['ratios', Type.FLOAT, { repeated: true }],
        ['until', '.google.protobuf.Timestamp'],
      ]),
    },
  ],
});

const registry = createFileRegistry(file, (name) => wkt.find((f) => f.proto.name === name));

export const QuerySchema = registry.getMessage('test.v1.Query') as DescMessage;
