import { type AnyDesc, type DescFile, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, type SourceCodeInfo } from '@bufbuild/protobuf/wkt';
import type { Contract } from '../../rpc/index.ts';

/**
 * The leading comment of a descriptor, from the source info buf keeps in the descriptor set,
 * cleaned for use as an OpenAPI description (comment markers stripped, lines joined with
 * newlines, trailing blank lines dropped). Empty when the element has no comment.
 */
export function commentOf(desc: AnyDesc): string {
  const path = sourcePath(desc);
  if (path === undefined) return '';
  const comment = commentsOf(fileOf(desc)).get(path.join(',')) ?? '';
  return comment
    .split('\n')
    .map((line) => line.replace(/^ /, ''))
    .join('\n')
    .trim();
}

// One index per file, built on first use: a linear search per element made building the
// document quadratic in the number of comments.
const indexes = new WeakMap<DescFile, Map<string, string>>();

function commentsOf(file: DescFile): Map<string, string> {
  let index = indexes.get(file);
  if (index === undefined) {
    index = indexOf(file.proto.sourceCodeInfo);
    indexes.set(file, index);
  }
  return index;
}

function indexOf(sourceCodeInfo: SourceCodeInfo | undefined): Map<string, string> {
  const index = new Map<string, string>();
  for (const location of sourceCodeInfo?.location ?? []) {
    if (location.leadingComments !== undefined) index.set(location.path.join(','), location.leadingComments);
  }
  return index;
}

/**
 * Runs `build` with the comments of the contract's files readable by {@link commentOf}, and
 * forgets them afterwards. `loadContract` keeps no comments in memory (they are most of the
 * descriptor set), so they are read here again from the descriptor set's bytes, for as long as
 * a document is being built.
 */
export function withComments<T>(contract: Contract, build: () => T): T {
  const indexed: DescFile[] = [];
  for (const proto of fromBinary(FileDescriptorSetSchema, contract.descriptorSet).file) {
    const file = contract.registry.getFile(proto.name);
    if (file === undefined || indexes.has(file)) continue;
    indexes.set(file, indexOf(proto.sourceCodeInfo));
    indexed.push(file);
  }
  try {
    return build();
  } finally {
    for (const file of indexed) indexes.delete(file);
  }
}

// Field numbers of FileDescriptorProto / DescriptorProto / EnumDescriptorProto /
// ServiceDescriptorProto, as SourceCodeInfo.Location.path uses them.
const FILE_MESSAGE = 4;
const FILE_ENUM = 5;
const FILE_SERVICE = 6;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED = 3;
const MESSAGE_ENUM = 4;
const ENUM_VALUE = 2;
const SERVICE_METHOD = 2;

function sourcePath(desc: AnyDesc): number[] | undefined {
  switch (desc.kind) {
    case 'message': {
      if (desc.parent === undefined) return [FILE_MESSAGE, desc.file.proto.messageType.indexOf(desc.proto)];
      const parent = sourcePath(desc.parent);
      return parent && [...parent, MESSAGE_NESTED, desc.parent.proto.nestedType.indexOf(desc.proto)];
    }
    case 'enum': {
      if (desc.parent === undefined) return [FILE_ENUM, desc.file.proto.enumType.indexOf(desc.proto)];
      const parent = sourcePath(desc.parent);
      return parent && [...parent, MESSAGE_ENUM, desc.parent.proto.enumType.indexOf(desc.proto)];
    }
    case 'field': {
      const parent = sourcePath(desc.parent);
      return parent && [...parent, MESSAGE_FIELD, desc.parent.proto.field.indexOf(desc.proto)];
    }
    case 'enum_value': {
      const parent = sourcePath(desc.parent);
      return parent && [...parent, ENUM_VALUE, desc.parent.proto.value.indexOf(desc.proto)];
    }
    case 'service':
      return [FILE_SERVICE, desc.file.proto.service.indexOf(desc.proto)];
    case 'rpc': {
      const parent = sourcePath(desc.parent);
      return parent && [...parent, SERVICE_METHOD, desc.parent.proto.method.indexOf(desc.proto)];
    }
    default:
      return undefined;
  }
}

function fileOf(desc: AnyDesc): DescFile {
  switch (desc.kind) {
    case 'file':
      return desc;
    case 'field':
    case 'enum_value':
    case 'rpc':
    case 'oneof':
      return fileOf(desc.parent);
    case 'extension':
      return desc.file;
    default:
      return desc.file;
  }
}
