import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';

/**
 * Serves gRPC server reflection (v1 and v1alpha) for everything the server serves: the hcs
 * contract, `grpc.health.v1.Health` and reflection itself, all in the descriptor set buf
 * builds. grpcurl and `buf curl` can then list, describe and call every method with no proto
 * files.
 *
 * The files are handed over exactly as buf built them. proto-loader's descriptor-set loader
 * goes through protobufjs, which merges a package's files into one and drops their imports,
 * leaving reflection clients unable to resolve the schema; the original files also keep their
 * comments, so `grpcurl describe` shows the documentation.
 */
export function addReflection(server: Server, descriptorSet: Uint8Array): void {
  const files = fromBinary(FileDescriptorSetSchema, descriptorSet).file.map((file) =>
    Buffer.from(toBinary(FileDescriptorProtoSchema, file)),
  );
  // The reflection service reads only `fileDescriptorProtos` from the definition's entries.
  const definition = {
    'hcs.descriptor_set': {
      format: 'Protocol Buffer 3 FileDescriptorProto',
      type: {},
      fileDescriptorProtos: files,
    },
  } as unknown as PackageDefinition;
  new ReflectionService(definition).addToServer(server);
}
