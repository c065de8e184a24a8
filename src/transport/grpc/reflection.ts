import { createRequire } from 'node:module';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type {
  MethodDefinition,
  Server,
  ServerDuplexStream,
  ServiceDefinition,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { ReflectionService } from '@grpc/reflection';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import { appErrorToServiceError } from './status-details.ts';

/** The one method of reflection, in both versions grpcurl and `buf curl` ask for. */
const REFLECTION_PATHS = [
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
] as const;

/** A reflection method as `@grpc/reflection` registers it: its codec and its handler. */
interface LoadedMethod {
  definition: MethodDefinition<unknown, unknown>;
  handle(call: ServerDuplexStream<unknown, unknown>): void;
}

const passThrough = (bytes: Buffer) => bytes;

// The answer grpc-js's undecodable requests get from `clientMistakeInterceptor`.
const UNDECODABLE = () =>
  new AppError(
    Code.INVALID_ARGUMENT,
    PlatformReason.INVALID_REQUEST,
    'the request is not a valid message of the method it was sent to',
  );

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
 *
 * `@grpc/reflection` is loaded and indexes the files on the first reflection call, not at
 * start: it decodes every file, comments included, with protobufjs and loads its own protos
 * with proto-loader, which cost a start about 0.8 s of CPU and 10 MB of heap a server that is
 * never asked would keep. Until then the methods are registered with pass-through codecs; the
 * first call loads the library and each call decodes and encodes with the library's own codecs.
 */
export function addReflection(server: Server, descriptorSet: Uint8Array): void {
  let loaded: Map<string, LoadedMethod> | undefined;
  for (const path of REFLECTION_PATHS) {
    const definition: ServiceDefinition = {
      ServerReflectionInfo: {
        path,
        requestStream: true,
        responseStream: true,
        originalName: 'serverReflectionInfo',
        requestSerialize: passThrough,
        requestDeserialize: passThrough,
        responseSerialize: passThrough,
        responseDeserialize: passThrough,
      },
    };
    server.addService(definition, {
      ServerReflectionInfo(call: ServerDuplexStream<Buffer, Buffer>) {
        loaded ??= loadReflection(descriptorSet);
        const method = loaded.get(path);
        if (method === undefined) throw new Error(`@grpc/reflection registered no ${path}`);
        method.handle(decodingStream(call, method.definition));
      },
    });
  }
}

/** Indexes the descriptor set with `@grpc/reflection` and returns its methods by path. */
function loadReflection(descriptorSet: Uint8Array): Map<string, LoadedMethod> {
  // Synchronous on purpose: the call's messages wait in its stream meanwhile, and no second
  // call can start loading it again.
  const { ReflectionService: Reflection } = createRequire(import.meta.url)('@grpc/reflection') as {
    ReflectionService: typeof ReflectionService;
  };
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
  const methods = new Map<string, LoadedMethod>();
  new Reflection(definition).addToServer({
    addService(service: ServiceDefinition, implementation: UntypedServiceImplementation) {
      for (const [name, method] of Object.entries(service)) {
        const handle = implementation[name] as LoadedMethod['handle'];
        methods.set(method.path, { definition: method, handle });
      }
    },
  });
  return methods;
}

/**
 * The call as the library's handler expects it (messages as objects): what it reads is decoded
 * and what it writes encoded with the library's codecs. It uses `on('data' | 'end')`, `write`
 * and `end` only.
 */
function decodingStream(
  call: ServerDuplexStream<Buffer, Buffer>,
  definition: MethodDefinition<unknown, unknown>,
): ServerDuplexStream<unknown, unknown> {
  const adapter = {
    on(event: string, listener: (...args: unknown[]) => void) {
      if (event === 'data') {
        let failed = false;
        call.on('data', (bytes: Buffer) => {
          if (failed) return;
          let message: unknown;
          try {
            message = definition.requestDeserialize(bytes);
          } catch {
            failed = true;
            // grpc-js ends a server stream with the status of the error it is given.
            call.emit('error', appErrorToServiceError(UNDECODABLE(), new Map()));
            return;
          }
          listener(message);
        });
      } else {
        call.on(event, listener);
      }
      return adapter;
    },
    write: (message: unknown) => call.write(definition.responseSerialize(message)),
    end: () => call.end(),
  };
  return adapter as unknown as ServerDuplexStream<unknown, unknown>;
}
