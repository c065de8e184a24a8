import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import type { Logger } from '../../platform/log/index.ts';
import type { Contract, ProcedureTable } from '../rpc/index.ts';
import { bindProcedure } from './bind-procedure.ts';
import { addHealth, type HealthReporter } from './health.ts';
import { addReflection } from './reflection.ts';

/** Options of {@link createGrpcServer}. */
export interface GrpcServerOptions {
  contract: Contract;
  procedures: ProcedureTable;
  logger: Logger;
  /** Largest request message accepted, in bytes. Default 4 MiB (grpc-js's own default). */
  maxReceiveMessageBytes?: number;
}

/** A gRPC server serving every procedure, health and reflection. */
export interface GrpcServer {
  readonly health: HealthReporter;
  /** Binds and starts serving; resolves to the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /**
   * Stops accepting calls and waits for in-flight ones; after `timeoutMs` the rest are
   * cancelled. Resolves with whether the drain finished in time.
   */
  close(timeoutMs: number): Promise<boolean>;
}

/** Creates the gRPC server; nothing listens until {@link GrpcServer.listen}. */
export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const server = new Server({
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? 4 * 1024 * 1024,
  });
  for (const service of options.contract.services) {
    const definition: Record<string, ServiceDefinition[string]> = {};
    const implementation: Record<string, ReturnType<typeof bindProcedure>> = {};
    for (const method of service.methods) {
      const procedure = options.procedures.get(`/${service.typeName}/${method.name}`);
      if (procedure === undefined) throw new Error(`no procedure for /${service.typeName}/${method.name}`);
      definition[method.name] = {
        path: procedure.path,
        requestStream: procedure.kind === 'client_streaming' || procedure.kind === 'bidi_streaming',
        responseStream: procedure.kind === 'server_streaming' || procedure.kind === 'bidi_streaming',
        originalName: method.localName,
        requestSerialize: (value: Buffer) => value,
        requestDeserialize: (bytes: Buffer) => bytes,
        responseSerialize: (value: Buffer) => value,
        responseDeserialize: (bytes: Buffer) => bytes,
      };
      implementation[method.name] = bindProcedure(procedure, { logger: options.logger });
    }
    server.addService(definition, implementation);
  }
  const health = addHealth(
    server,
    options.contract.services.map((service) => service.typeName),
  );
  addReflection(server, options.contract.descriptorSet);

  return {
    health,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.bindAsync(
          `${host.includes(':') ? `[${host}]` : host}:${port}`,
          ServerCredentials.createInsecure(),
          (error, bound) => (error ? reject(error) : resolve(bound)),
        );
      });
    },
    close(timeoutMs) {
      health.setAll('NOT_SERVING');
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          options.logger.warn({ timeoutMs }, 'drain time over: cancelling the calls still in flight');
          server.forceShutdown();
          resolve(false);
        }, timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}
