import { readFileSync } from 'node:fs';
import {
  createFileRegistry,
  type DescExtension,
  type DescMethod,
  type DescService,
  type FileRegistry,
  fromBinary,
  getOption,
  hasOption,
} from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { Policy } from './policy.ts';
import type { MethodKind } from './procedure.ts';

/**
 * The descriptor set `npm run generate` builds from proto/ (imports and comments included).
 * It is the one runtime source for reflection, the policy option and, later, HTTP routes and
 * OpenAPI, so all of them describe exactly the contract the generated code was made from.
 */
export const DESCRIPTOR_SET_URL = new URL('../../gen/hcs.binpb', import.meta.url);

/** The package whose services hcs serves. */
export const HCS_PACKAGE = 'hcs.v1';

const POLICY_OPTION = 'hcs.v1.policy';
const HTTP_ERROR_FORMAT_OPTION = 'hcs.v1.http_error_format';

/**
 * How the HTTP gateway answers a method's failures, from `(hcs.v1.http_error_format)`:
 * `status` a google.rpc.Status body (the default), `oauth2` the RFC 6749 §5.2 error form.
 */
export type HttpErrorFormat = 'status' | 'oauth2';

/** A method of the contract with everything the transports need from its descriptor. */
export interface ContractMethod {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly kind: MethodKind;
  readonly inputType: string;
  readonly outputType: string;
  /** Undefined when the method declares no policy, which {@link assertEveryMethodHasPolicy} rejects. */
  readonly policy: Policy | undefined;
  readonly httpErrorFormat: HttpErrorFormat;
  readonly descriptor: DescMethod;
}

/** The loaded contract: the registry of every descriptor and the hcs services in it. */
export interface Contract {
  readonly registry: FileRegistry;
  readonly descriptorSet: Uint8Array;
  readonly services: readonly DescService[];
  readonly methods: readonly ContractMethod[];
  method(path: string): ContractMethod | undefined;
}

/**
 * Reads and indexes the descriptor set. Default: the generated `src/gen/hcs.binpb`.
 *
 * The registry keeps no comments (`source_code_info`): they are four fifths of the set's bytes
 * and ~4 MB of heap once decoded, and only the OpenAPI document reads them, which decodes them
 * again from {@link Contract.descriptorSet} while it is built. Reflection serves those bytes,
 * so `grpcurl describe` still shows them.
 */
export function loadContract(descriptorSet: Uint8Array = readFileSync(DESCRIPTOR_SET_URL)): Contract {
  const set = fromBinary(FileDescriptorSetSchema, descriptorSet);
  for (const file of set.file) file.sourceCodeInfo = undefined;
  const registry = createFileRegistry(set);
  const policyOption = registry.getExtension(POLICY_OPTION);
  if (policyOption === undefined) throw new Error(`the descriptor set lacks the ${POLICY_OPTION} option`);
  const errorFormatOption = registry.getExtension(HTTP_ERROR_FORMAT_OPTION);
  if (errorFormatOption === undefined)
    throw new Error(`the descriptor set lacks the ${HTTP_ERROR_FORMAT_OPTION} option`);
  const services: DescService[] = [];
  for (const file of registry.files) {
    if (file.proto.package === HCS_PACKAGE) services.push(...file.services);
  }
  services.sort((a, b) => a.typeName.localeCompare(b.typeName));
  const methods = services.flatMap((service) =>
    service.methods.map((method) => methodFromDescriptor(service, method, policyOption, errorFormatOption)),
  );
  const byPath = new Map(methods.map((method) => [method.path, method]));
  return { registry, descriptorSet, services, methods, method: (path) => byPath.get(path) };
}

/**
 * Throws, naming each one, when a method has no `(hcs.v1.policy)`: a method nobody decided
 * the access of must not be served.
 */
export function assertEveryMethodHasPolicy(contract: Contract): void {
  const missing = contract.methods
    .filter((method) => method.policy === undefined)
    .map((method) => method.path);
  if (missing.length > 0) {
    throw new Error(`methods without an (hcs.v1.policy) option: ${missing.join(', ')}`);
  }
}

function methodFromDescriptor(
  service: DescService,
  method: DescMethod,
  policyOption: DescExtension,
  errorFormatOption: DescExtension,
): ContractMethod {
  return {
    service: service.typeName,
    method: method.name,
    path: `/${service.typeName}/${method.name}`,
    kind: method.methodKind,
    inputType: method.input.typeName,
    outputType: method.output.typeName,
    policy: readPolicy(method, policyOption),
    // Enum value 1 is HTTP_ERROR_FORMAT_OAUTH2; unset (0) is the google.rpc.Status default.
    httpErrorFormat:
      hasOption(method, errorFormatOption) && (getOption(method, errorFormatOption) as unknown) === 1
        ? 'oauth2'
        : 'status',
    descriptor: method,
  };
}

function readPolicy(method: DescMethod, policyOption: DescExtension): Policy | undefined {
  if (!hasOption(method, policyOption)) return undefined;
  const value = getOption(method, policyOption) as unknown as {
    public?: boolean;
    roles?: string[];
    scopes?: string[];
  };
  return Object.freeze({
    public: value.public === true,
    roles: Object.freeze([...(value.roles ?? [])]),
    scopes: Object.freeze([...(value.scopes ?? [])]),
  });
}
