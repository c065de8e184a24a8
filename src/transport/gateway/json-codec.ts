import {
  type DescMessage,
  type FileRegistry,
  fromBinary,
  fromJson,
  type JsonObject,
  type JsonValue,
  toBinary,
  toJson,
} from '@bufbuild/protobuf';
import { Status } from '../../gen/google/rpc/status.ts';
import { AppError, Code, PlatformReason } from '../../platform/errors/index.ts';
import type { Procedure } from '../rpc/index.ts';
import { createJsonWriters, type JsonWriter } from './json-writer.ts';

/**
 * Proto3 canonical JSON for the gateway, both ways, driven by the descriptors: input accepts
 * lowerCamelCase and original field names, enums by name or number, every well-known type;
 * an unknown field is an error that names it (Envoy drops unknown body fields silently).
 * Output uses lowerCamelCase and emits fields at their default value, so a browser sees every
 * field (grpc-gateway v2's default).
 *
 * Requests cross from this descriptor-driven form to the ts-proto form procedures use through
 * the binary encoding, which both implement exactly; responses are written by compiled
 * per-type writers (`json-writer.ts`), with the binary round trip for types holding an Any.
 */
export interface JsonCodec {
  /** Decodes a request body (merged with path and query fields) into the procedure's request message. */
  requestFromJson(procedure: Procedure, json: JsonValue): unknown;
  /**
   * Writes a procedure's response message as JSON text; with `responseBody` (a field name, the
   * method's `response_body`), only that field's value (`null` when unset).
   */
  responseToJsonText(procedure: Procedure, message: unknown, responseBody?: string): string;
  /** Encodes a google.rpc.Status (ts-proto form) as JSON, details with their `@type`. */
  statusToJson(status: Status): JsonValue;
}

/** Creates the codec over the registry of the loaded contract. */
export function createJsonCodec(registry: FileRegistry): JsonCodec {
  const message = (typeName: string): DescMessage => {
    const desc = registry.getMessage(typeName);
    if (desc === undefined) throw new Error(`message ${typeName} is not in the descriptor set`);
    return desc;
  };
  const statusDesc = message('google.rpc.Status');
  const writeOptions = { alwaysEmitImplicit: true, registry };
  const writers = createJsonWriters();
  // Per procedure and response_body, made on first use: a call pays two Map lookups.
  const responseWriters = new Map<Procedure, Map<string | undefined, JsonWriter>>();

  // The compiled writer, or for a type holding an Any the general path through the binary form.
  function responseWriterOf(procedure: Procedure, responseBody: string | undefined): JsonWriter {
    const desc = message(procedure.outputType);
    const reflect = (output: unknown) =>
      toJson(desc, fromBinary(desc, procedure.encode(output)), writeOptions) as JsonObject;
    if (responseBody === undefined) {
      return writers.message(desc) ?? ((output) => JSON.stringify(reflect(output)));
    }
    const field = desc.fields.find((candidate) => candidate.name === responseBody);
    if (field === undefined) throw new Error(`${desc.typeName} has no field ${responseBody}`);
    return (
      writers.field(desc, field) ?? ((output) => JSON.stringify(reflect(output)[field.jsonName] ?? null))
    );
  }
  return {
    requestFromJson(procedure, json) {
      // An empty request (a plain GET) is the message with every field at its default.
      if (isEmptyObject(json)) return procedure.decode(EMPTY);
      const desc = message(procedure.inputType);
      let decoded: ReturnType<typeof fromJson>;
      try {
        decoded = fromJson(desc, json, { ignoreUnknownFields: false, registry });
      } catch (error) {
        throw jsonInputError(error, desc, json, registry);
      }
      return procedure.decode(toBinary(desc, decoded));
    },
    responseToJsonText(procedure, output, responseBody) {
      const byBody = responseWriters.get(procedure) ?? new Map<string | undefined, JsonWriter>();
      let write = byBody.get(responseBody);
      if (write === undefined) {
        write = responseWriterOf(procedure, responseBody);
        byBody.set(responseBody, write);
        responseWriters.set(procedure, byBody);
      }
      return write(output);
    },
    statusToJson(status) {
      return toJson(statusDesc, fromBinary(statusDesc, Status.encode(status).finish()), writeOptions);
    },
  };
}

const EMPTY = new Uint8Array(0);

function isEmptyObject(json: JsonValue): boolean {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && Object.keys(json).length === 0;
}

// protobuf-es's message does not always name the field (a bad enum or timestamp names only its
// type), so on failure the JSON is re-read one field at a time to find the path: the error path
// only, and bounded by the depth of the message.
function jsonInputError(
  error: unknown,
  desc: DescMessage,
  json: JsonValue,
  registry: FileRegistry,
): AppError {
  const text = error instanceof Error ? error.message : String(error);
  const field = locateBadField(desc, json, registry, '');
  const unknownKey = /key "([^"]+)" is unknown/.exec(text)?.[1];
  const description =
    unknownKey !== undefined
      ? `unknown field "${unknownKey}"${field.includes('.') ? ` in ${field.slice(0, field.lastIndexOf('.'))}` : ''}`
      : `${field === '' ? 'the request' : `field ${field}`}: ${text}`;
  return new AppError(Code.INVALID_ARGUMENT, PlatformReason.INVALID_REQUEST, description, {
    fieldViolations: field === '' ? [] : [{ field, description }],
    cause: error,
  });
}

const WELL_KNOWN = /^google\.protobuf\./;

function decodes(desc: DescMessage, json: JsonValue, registry: FileRegistry): boolean {
  try {
    fromJson(desc, json, { ignoreUnknownFields: false, registry });
    return true;
  } catch {
    return false;
  }
}

function locateBadField(desc: DescMessage, json: JsonValue, registry: FileRegistry, prefix: string): string {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || WELL_KNOWN.test(desc.typeName)) {
    return prefix;
  }
  for (const [key, value] of Object.entries(json)) {
    const field = desc.fields.find((f) => f.jsonName === key || f.name === key);
    const path = prefix === '' ? (field?.name ?? key) : `${prefix}.${field?.name ?? key}`;
    if (field === undefined) return path;
    try {
      fromJson(desc, { [key]: value } as JsonValue, { ignoreUnknownFields: false, registry });
    } catch {
      if (field.fieldKind === 'message') return locateBadField(field.message, value, registry, path);
      if (field.fieldKind === 'list' && field.listKind === 'message' && Array.isArray(value)) {
        const element = field.message;
        const index = value.findIndex((item) => !decodes(element, item, registry));
        return index === -1
          ? path
          : locateBadField(element, value[index] ?? null, registry, `${path}[${index}]`);
      }
      return path;
    }
  }
  return prefix;
}
