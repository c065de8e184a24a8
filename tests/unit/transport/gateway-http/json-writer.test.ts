import {
  create,
  type DescField,
  type DescMessage,
  fromBinary,
  ScalarType,
  toBinary,
  toJson,
} from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as analytics from '../../../../src/gen/hcs/v1/analytics.ts';
import * as auth from '../../../../src/gen/hcs/v1/auth.ts';
import * as common from '../../../../src/gen/hcs/v1/common.ts';
import * as devices from '../../../../src/gen/hcs/v1/devices.ts';
import * as options from '../../../../src/gen/hcs/v1/options.ts';
import * as registry from '../../../../src/gen/hcs/v1/registry.ts';
import * as system from '../../../../src/gen/hcs/v1/system.ts';
import { createJsonWriters } from '../../../../src/transport/gateway/json-writer.ts';
import { loadContract } from '../../../../src/transport/rpc/index.ts';

interface MessageFns {
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

const contract = loadContract();
const generated = {
  ...analytics,
  ...auth,
  ...common,
  ...devices,
  ...options,
  ...registry,
  ...system,
} as unknown as Record<string, MessageFns>;
const writers = createJsonWriters();

function allMessages(): DescMessage[] {
  const out: DescMessage[] = [];
  const visit = (desc: DescMessage) => {
    out.push(desc);
    for (const nested of desc.nestedMessages) if (!nested.proto.options?.mapEntry) visit(nested);
  };
  for (const file of contract.registry.files)
    if (file.proto.package === 'hcs.v1') for (const message of file.messages) visit(message);
  return out;
}

// A value for every field, varied by a seed, so defaults, oneofs and nested types all show up.
function sample(desc: DescMessage, seed: number, depth = 0): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  const usedOneofs = new Set<string>();
  for (const field of desc.fields) {
    if (field.oneof) {
      if (usedOneofs.has(field.oneof.name) || (seed + field.number) % 3 !== 0) continue;
      usedOneofs.add(field.oneof.name);
    }
    const value = valueFor(field, seed + field.number, depth);
    if (value !== undefined) init[field.localName] = value;
  }
  return init;
}

function valueFor(field: DescField, seed: number, depth: number): unknown {
  const scalar = (type: ScalarType): unknown => {
    switch (type) {
      case ScalarType.STRING:
        return seed % 4 === 0 ? '' : `s${seed}`;
      case ScalarType.BOOL:
        return seed % 2 === 0;
      case ScalarType.BYTES:
        return new Uint8Array([seed % 256, 1, 2]);
      case ScalarType.DOUBLE:
      case ScalarType.FLOAT:
        return seed % 5 === 0 ? 0 : seed + 0.5;
      case ScalarType.INT64:
      case ScalarType.SINT64:
      case ScalarType.SFIXED64:
        return BigInt(-seed * 1_000_000_007);
      case ScalarType.UINT64:
      case ScalarType.FIXED64:
        return BigInt(seed * 1_000_000_007);
      default:
        return seed % 7;
    }
  };
  const message = (desc: DescMessage): unknown => {
    if (desc.typeName === 'google.protobuf.Timestamp')
      return timestampFromDate(new Date(1_767_225_600_000 + seed * (seed % 2 === 0 ? 1000 : 1001)));
    if (desc.typeName === 'google.protobuf.Duration')
      return { seconds: BigInt(seed), nanos: (seed % 3) * 250_000_000 };
    if (desc.typeName === 'google.protobuf.FieldMask') return { paths: ['display_name', 'labels'] };
    if (desc.typeName.startsWith('google.protobuf.')) return undefined;
    return depth > 3 ? undefined : create(desc, sample(desc, seed + 1, depth + 1));
  };
  switch (field.fieldKind) {
    case 'scalar':
      return scalar(field.scalar);
    case 'enum':
      return field.enum.values[seed % field.enum.values.length]?.number;
    case 'message':
      return seed % 4 === 1 ? undefined : message(field.message);
    case 'list':
      return field.listKind === 'scalar'
        ? [scalar(field.scalar), scalar(field.scalar)]
        : field.listKind === 'enum'
          ? [field.enum.values[1]?.number ?? 0]
          : [message(field.message)].filter((item) => item !== undefined);
    case 'map': {
      const value =
        field.mapKind === 'scalar'
          ? scalar(field.scalar)
          : field.mapKind === 'enum'
            ? field.enum.values[1]?.number
            : message(field.message);
      return value === undefined
        ? {}
        : { [field.mapKey === ScalarType.STRING ? `k${seed}` : String(seed)]: value };
    }
  }
}

const messages = allMessages();

test('the compiled writers cover the contract', () => {
  assert.ok(messages.length > 150, `${messages.length} message types`);
});

for (const seed of [1, 2, 3, 4]) {
  test(`a compiled writer writes exactly the text of reflection's JSON, for every message type (seed ${seed})`, () => {
    let compared = 0;
    for (const desc of messages) {
      const write = writers.message(desc);
      if (write === undefined) continue;
      const name = desc.typeName.slice('hcs.v1.'.length).replace(/\./g, '_');
      const fns = generated[name];
      assert.ok(fns, `generated code for ${desc.typeName}`);
      const bytes = toBinary(desc, create(desc, sample(desc, seed)));
      const tsProto = fns.decode(bytes);
      const expected = toJson(desc, fromBinary(desc, fns.encode(tsProto).finish()), {
        alwaysEmitImplicit: true,
        registry: contract.registry,
      });
      assert.is(write(tsProto), JSON.stringify(expected), desc.typeName);
      for (const field of desc.fields) {
        const value = (expected as Record<string, unknown>)[field.jsonName];
        assert.is(writers.field(desc, field)?.(tsProto), JSON.stringify(value ?? null), field.name);
      }
      compared += 1;
    }
    assert.ok(compared > 150);
  });
}

test('strings are escaped exactly as JSON.stringify escapes them, map keys included', () => {
  const desc = contract.registry.getMessage('hcs.v1.Device');
  const write = desc && writers.message(desc);
  assert.ok(desc && write);
  const fns = generated.Device;
  assert.ok(fns);
  const tricky = [
    'plain',
    'quote " and \\ backslash',
    'tab\tnew\nline\u0000nul\u001f',
    'émoji 🙂 ünï',
    'lone \ud800 surrogate',
    '\u2028\u2029',
    '',
  ];
  for (const text of tricky) {
    const message = create(desc, { displayName: text, labels: { [text]: text } } as never);
    const tsProto = fns.decode(toBinary(desc, message));
    const expected = toJson(desc, fromBinary(desc, fns.encode(tsProto).finish()), {
      alwaysEmitImplicit: true,
      registry: contract.registry,
    });
    assert.is(write(tsProto), JSON.stringify(expected), JSON.stringify(text));
  }
  // A lone surrogate cannot cross the binary form (UTF-8 turns it into U+FFFD): written directly.
  const lone = 'lone \ud800 surrogate';
  const direct = write({ ...(fns.decode(new Uint8Array()) as object), displayName: lone });
  assert.ok(direct.includes(`"displayName":${JSON.stringify(lone)}`), direct);
  assert.ok(direct.includes('\\ud800'), 'escaped as \\ud800');
});

test('types holding a google.protobuf.Any have no compiled writer (they take the general path)', () => {
  const status = contract.registry.getMessage('google.rpc.Status');
  assert.ok(status);
  assert.is(writers.message(status), undefined);
});

test.run();
