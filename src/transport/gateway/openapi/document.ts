import type { DescField, DescMessage, FileRegistry } from '@bufbuild/protobuf';
import type { Contract } from '../../rpc/index.ts';
import { httpBodyFieldOf, httpBodyOfOutput } from '../http-body.ts';
import type { HttpRoute } from '../http-route.ts';
import type { Route, RouteTable } from '../routing/index.ts';
import { commentOf, withComments } from './comments.ts';
import { httpRouteOperations } from './route-operations.ts';
import { createSchemaBuilder, type Schema, type SchemaBuilder } from './schemas.ts';
import { securityOf } from './security.ts';

/** Where Swagger UI and OAuth2 clients get tokens (the password grant). */
export const TOKEN_URL = '/api/v1/auth/token';

/** Options of {@link createOpenApiDocument}. */
export interface OpenApiOptions {
  contract: Contract;
  routes: RouteTable;
  /** The hcs version, as `info.version`. */
  version: string;
  /**
   * Routes services add beside the REST view (an HTTP proxy, raw downloads); those with
   * `openApi` docs are documented with their policy as security. Default none.
   */
  httpRoutes?: readonly HttpRoute[];
}

const OAUTH_ERROR_REF = { $ref: '#/components/schemas/OAuth2Error' };

/** The RFC 6749 §5.2 error body. */
const OAUTH_ERROR_SCHEMA = {
  type: 'object',
  description: 'An OAuth2 error (RFC 6749 §5.2).',
  required: ['error'],
  properties: {
    error: {
      type: 'string',
      description:
        'invalid_request, invalid_grant, unsupported_grant_type, invalid_scope, slow_down (throttled), server_error or temporarily_unavailable.',
    },
    error_description: { type: 'string', description: 'A sentence for the developer.' },
  },
};

/**
 * The OpenAPI 3.1 document of the REST view, generated from the same route table the gateway
 * routes with, so the two cannot disagree: every route with its path and query parameters,
 * request and response schemas as shared components in their proto3 JSON form, descriptions
 * from the proto comments, google.rpc.Status as every error response, and security from each
 * method's `(hcs.v1.policy)`: OAuth2 password flow, bearer JWT or `x-api-key`; public
 * methods none. Service routes with docs are added the same way (see `route-operations.ts`); one
 * documented at a path and method the REST view already has is an Error.
 */
export function createOpenApiDocument(options: OpenApiOptions): Record<string, unknown> {
  return withComments(options.contract, () => buildDocument(options));
}

function buildDocument(options: OpenApiOptions): Record<string, unknown> {
  const { contract, routes } = options;
  // OAuth2 endpoints' errors are documented as RFC 6749 §5.2 JSON and their bodies as forms
  // too, as the gateway serves them.
  const hasOAuthEndpoints = routes.routes.some((route) => route.method.httpErrorFormat === 'oauth2');
  const schemas = createSchemaBuilder();
  const registry = contract.registry;
  const status = schemas.refFor(messageOf(registry, 'google.rpc.Status'));
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes.routes) {
    const { path, parameters } = openApiPath(route, messageOf(registry, route.method.inputType));
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.httpMethod.toLowerCase()] = operation(
      route,
      parameters,
      registry,
      schemas,
      status,
      route.method.httpErrorFormat === 'oauth2',
    );
  }
  const httpRoutes = options.httpRoutes ?? [];
  for (const route of httpRoutes) {
    const documented = httpRouteOperations(route, status);
    if (documented === undefined) continue;
    paths[documented.path] ??= {};
    const operations = paths[documented.path] as Record<string, unknown>;
    for (const [method, operation] of Object.entries(documented.operations)) {
      if (operations[method] !== undefined) {
        throw new Error(
          `HTTP route ${route.name ?? route.path} documents ${method} ${documented.path} twice`,
        );
      }
      operations[method] = operation;
    }
  }
  const scopes = new Set([
    ...contract.methods.flatMap((method) => method.policy?.scopes ?? []),
    ...httpRoutes.flatMap((route) => (route.openApi === undefined ? [] : (route.policy?.scopes ?? []))),
  ]);
  return {
    openapi: '3.1.0',
    info: {
      title: 'hcs',
      version: options.version,
      description:
        'REST view of the hcs gRPC services (auth, registry, devices, analytics, system), transcoded from the ' +
        'google.api.http annotations of the protos. Errors are google.rpc.Status objects.',
    },
    servers: [{ url: '/' }],
    tags: contract.services.map((service) => ({ name: service.name, description: commentOf(service) })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: {
        ...schemas.components(),
        ...(hasOAuthEndpoints ? { OAuth2Error: OAUTH_ERROR_SCHEMA } : {}),
      },
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: 'OAuth2 password grant (RFC 6749 §4.3); refresh tokens rotate on use.',
          flows: {
            password: {
              tokenUrl: TOKEN_URL,
              refreshUrl: TOKEN_URL,
              scopes: Object.fromEntries([...scopes].sort().map((scope) => [scope, scopeDescription(scope)])),
            },
          },
        },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'An API key for service-to-service calls.',
        },
      },
    },
  };
}

function operation(
  route: Route,
  parameters: Schema[],
  registry: FileRegistry,
  schemas: SchemaBuilder,
  status: Schema,
  oauth: boolean,
) {
  const { method } = route;
  const input = messageOf(registry, method.inputType);
  const output = messageOf(registry, method.outputType);
  const description = commentOf(method.descriptor);
  const query = route.body === '*' ? [] : queryParameters(input, route, schemas);
  const op: Record<string, unknown> = {
    operationId: `${method.descriptor.parent.name}_${method.method}${route.bindingIndex > 0 ? `_${route.bindingIndex}` : ''}`,
    tags: [method.descriptor.parent.name],
    summary: description.split('\n')[0]?.replace(/\.$/, '') ?? method.method,
    description,
    parameters: [...parameters, ...query],
    responses: {
      '200': { description: 'OK', content: responseContent(route, output, schemas, status) },
      ...(httpBodyOfOutput(output, route.responseBody) === undefined
        ? {}
        : {
            '206': {
              description: 'Partial content: the one range a `Range` header asked for (see `Content-Range`).',
              content: { '*/*': { schema: BINARY } },
            },
          }),
      default: oauth
        ? {
            description: 'An OAuth2 error (RFC 6749 §5.2).',
            content: { 'application/json': { schema: OAUTH_ERROR_REF } },
          }
        : {
            description: 'An error: google.rpc.Status with typed details.',
            content: { 'application/json': { schema: status } },
          },
    },
    security: securityOf(method.policy),
    'x-hcs-policy': method.policy,
  };
  if (httpBodyFieldOf(input, route.body) !== undefined) {
    op.requestBody = {
      required: true,
      description: 'The raw content, any media type, streamed to the method as it arrives.',
      content: { '*/*': { schema: BINARY } },
    };
  } else if (route.body !== undefined) {
    const bodySchema =
      route.body === '*' ? schemas.refFor(input) : schemas.fieldSchema(fieldOf(input, route.body));
    const streaming = method.kind === 'client_streaming' || method.kind === 'bidi_streaming';
    op.requestBody = {
      required: route.body === '*',
      content: streaming
        ? { 'application/x-ndjson': { schema: bodySchema } }
        : oauth
          ? {
              'application/x-www-form-urlencoded': { schema: bodySchema },
              'application/json': { schema: bodySchema },
            }
          : { 'application/json': { schema: bodySchema } },
    };
  }
  return op;
}

// Raw bytes (google.api.HttpBody), as OpenAPI 3.1 spells a binary body.
const BINARY = { type: 'string', format: 'binary' } as const;

function responseContent(route: Route, output: DescMessage, schemas: SchemaBuilder, status: Schema) {
  if (httpBodyOfOutput(output, route.responseBody) !== undefined) return { '*/*': { schema: BINARY } };
  const schema =
    route.responseBody === undefined
      ? schemas.refFor(output)
      : schemas.fieldSchema(fieldOf(output, route.responseBody));
  const streaming = route.method.kind === 'server_streaming' || route.method.kind === 'bidi_streaming';
  if (!streaming) return { 'application/json': { schema } };
  const line = {
    type: 'object',
    description: 'One line per message; a failure ends the stream with an `error` line.',
    properties: { result: schema, error: status },
  };
  return { 'application/x-ndjson': { schema: line }, 'text/event-stream': { schema: { type: 'string' } } };
}

// Path variables become OpenAPI path parameters; a variable spanning `devices/*` is written
// out with its literal segments (`/api/v1/devices/{name}`) so tools fill one segment per
// parameter and never escape a slash.
function openApiPath(route: Route, input: DescMessage): { path: string; parameters: Schema[] } {
  const { template } = route;
  const names = new Map<number, string>();
  for (const variable of template.variables) {
    const end = variable.end ?? template.segments.length;
    const wildcards: number[] = [];
    for (let index = variable.start; index < end; index += 1) {
      if (template.segments[index]?.kind !== 'literal') wildcards.push(index);
    }
    wildcards.forEach((index, position) => {
      const previous = template.segments[index - 1];
      const last = position === wildcards.length - 1;
      names.set(
        index,
        last ? variable.fieldPath : `${previous?.kind === 'literal' ? previous.value : 'segment'}_id`,
      );
    });
  }
  const parameters: Schema[] = [];
  const segments = template.segments.map((segment, index) => {
    if (segment.kind === 'literal') return segment.value;
    const name = names.get(index) ?? `segment${index}`;
    const variable = template.variables.find(
      (v) => v.start <= index && index < (v.end ?? template.segments.length),
    );
    const field = variable && fieldAt(input, variable.fieldPath);
    parameters.push({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      description: [
        variable?.multiSegment ? `A segment of \`${variable.fieldPath}\`.` : '',
        field ? commentOf(field) : '',
      ]
        .filter((text) => text !== '')
        .join(' '),
      ...(segment.kind === 'deep' ? { 'x-hcs-multi-segment': true } : {}),
    });
    return `{${name}}`;
  });
  return { path: `/${segments.join('/')}${template.verb ? `:${template.verb}` : ''}`, parameters };
}

// Query parameters: every leaf field the path and body leave free, dotted for nested messages.
function queryParameters(
  input: DescMessage,
  route: Route,
  schemas: SchemaBuilder,
  prefix = '',
  depth = 0,
): Schema[] {
  const bound = new Set(route.template.variables.map((variable) => variable.fieldPath));
  if (route.body !== undefined) bound.add(route.body);
  const parameters: Schema[] = [];
  for (const field of input.fields) {
    const path = prefix === '' ? field.name : `${prefix}.${field.name}`;
    if (bound.has(path)) continue;
    if (field.fieldKind === 'map' || (field.fieldKind === 'list' && field.listKind === 'message')) continue;
    if (field.fieldKind === 'message' && !field.message.typeName.startsWith('google.protobuf.')) {
      if (depth < 3) parameters.push(...queryParameters(field.message, route, schemas, path, depth + 1));
      continue;
    }
    const name =
      prefix === '' ? field.jsonName : `${prefix.split('.').map(camel).join('.')}.${field.jsonName}`;
    const schema = schemas.fieldSchema(field);
    const { description, ...rest } = schema;
    parameters.push({
      name,
      in: 'query',
      required: false,
      schema: rest,
      ...(field.fieldKind === 'list' ? { style: 'form', explode: true } : {}),
      ...(typeof description === 'string' && description !== '' ? { description } : {}),
    });
  }
  return parameters;
}

function scopeDescription(scope: string): string {
  const [service, access] = scope.split(':');
  if (access === 'read' || access === 'write') return `${access === 'write' ? 'Change' : 'Read'} ${service}`;
  return `${access} on ${service}`;
}

function messageOf(registry: FileRegistry, typeName: string): DescMessage {
  const desc = registry.getMessage(typeName);
  if (desc === undefined) throw new Error(`message ${typeName} is not in the descriptor set`);
  return desc;
}

function fieldOf(message: DescMessage, name: string): DescField {
  const field = message.fields.find((f) => f.name === name);
  if (field === undefined) throw new Error(`${message.typeName} has no field ${name}`);
  return field;
}

function fieldAt(message: DescMessage, path: string): DescField | undefined {
  const [head, ...rest] = path.split('.');
  const field = message.fields.find((f) => f.name === head);
  if (rest.length === 0 || field === undefined) return field;
  return field.fieldKind === 'message' ? fieldAt(field.message, rest.join('.')) : undefined;
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
