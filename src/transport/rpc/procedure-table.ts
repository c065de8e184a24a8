import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import type { Contract } from './contract.ts';
import { applyInterceptors, type Interceptor } from './interceptor.ts';
import type { Invoke, MethodDefinition, Procedure, ServiceImplementation } from './procedure.ts';
import { createRequestValidator } from './request-validator.ts';
import { encodeMessage } from './shared-message.ts';

/** A ts-proto grpc-js service definition: method key → definition. */
export type ServiceDefinition = Readonly<Record<string, MethodDefinition<unknown, never>>>;

/** A service's definition with the methods implemented so far. */
export interface ServiceRegistration {
  readonly definition: ServiceDefinition;
  readonly implementation: Readonly<Record<string, unknown>>;
}

/** Pairs a ts-proto service definition with its (possibly partial) implementation, type-checked. */
export function defineService<S extends ServiceDefinition>(
  definition: S,
  implementation: Partial<ServiceImplementation<S>>,
): ServiceRegistration {
  return { definition, implementation };
}

/** Options of {@link createProcedureTable}. */
export interface ProcedureTableOptions {
  /** The contract read from the descriptor set; every method in it gets a procedure. */
  contract: Contract;
  /** The generated definitions of every service in the contract, with their implementations. */
  services: readonly ServiceRegistration[];
  /** The interceptor chain, outermost first. */
  interceptors: readonly Interceptor[];
}

/** Every method of the contract, ready to serve, by gRPC path. */
export interface ProcedureTable {
  readonly procedures: readonly Procedure[];
  get(path: string): Procedure | undefined;
}

/**
 * Builds one procedure per contract method. Methods without an implementation answer
 * UNIMPLEMENTED naming the method, after the same guard as the others. Throws at start when
 * the generated code and the descriptor set disagree, or a method has no policy.
 *
 * A procedure's `decode` checks the bytes first (`createRequestValidator`: well-formed, valid
 * UTF-8 without NUL, Timestamps and Durations in range), so both transports refuse the same
 * requests with the same INVALID_ARGUMENT.
 */
export function createProcedureTable(options: ProcedureTableOptions): ProcedureTable {
  const definitions = new Map<
    string,
    { definition: MethodDefinition<unknown, never>; implementation: unknown }
  >();
  for (const service of options.services) {
    for (const [key, definition] of Object.entries(service.definition)) {
      definitions.set(definition.path, { definition, implementation: service.implementation[key] });
    }
  }
  const procedures: Procedure[] = [];
  const validatorFor = createRequestValidator(options.contract.registry);
  for (const method of options.contract.methods) {
    const found = definitions.get(method.path);
    if (found === undefined)
      throw new Error(`no generated definition for ${method.path}; run npm run generate`);
    definitions.delete(method.path);
    if (method.policy === undefined) throw new Error(`${method.path} has no (hcs.v1.policy) option`);
    const implemented = typeof found.implementation === 'function';
    const handler: Invoke = implemented
      ? wrapImplementation(found.implementation as (input: unknown, ctx: unknown) => unknown)
      : unimplemented(method.path);
    const { definition } = found;
    const check = validatorFor(method.inputType);
    procedures.push({
      service: method.service,
      method: method.method,
      path: method.path,
      kind: method.kind,
      policy: method.policy,
      inputType: method.inputType,
      outputType: method.outputType,
      implemented,
      decode: (bytes) => {
        check(bytes);
        return definition.requestDeserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      },
      encode: (message) =>
        encodeMessage(message, definition.responseSerialize as (message: unknown) => Buffer),
      invoke: applyInterceptors(handler, options.interceptors),
    });
  }
  const stale = [...definitions.keys()];
  if (stale.length > 0) throw new Error(`generated definitions not in the contract: ${stale.join(', ')}`);
  const byPath = new Map(procedures.map((procedure) => [procedure.path, procedure]));
  return { procedures, get: (path) => byPath.get(path) };
}

// Not an async function: an implementation's own promise is passed on as it is (one promise
// fewer per call); what it throws synchronously, or returns without a promise, is still settled.
function wrapImplementation(implementation: (input: unknown, ctx: unknown) => unknown): Invoke {
  return function callProcedure(input, ctx) {
    try {
      return Promise.resolve(implementation(input, ctx));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

function unimplemented(path: string): Invoke {
  return async function notImplemented() {
    throw new AppError(
      Code.UNIMPLEMENTED,
      PlatformReason.METHOD_NOT_IMPLEMENTED,
      `${path} is not implemented yet`,
      {
        metadata: { method: path },
      },
    );
  };
}
