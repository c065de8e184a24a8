import { type DescMessage, type FileRegistry, ScalarType } from '@bufbuild/protobuf';
import type { Route } from '../../../src/transport/gateway/routing/index.ts';
import { HUGE_COUNT } from './grpc-corpus.ts';
import { type FieldTarget, fieldTargets } from './message-fields.ts';

/** One bad REST request, as sent. */
export interface RestCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly body?: Buffer;
  readonly headers: Record<string, string>;
  readonly authenticated: boolean;
}

/** Values for a path variable: traversal, injection, NUL, invalid UTF-8, length. */
const HOSTILE_SEGMENTS = [
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  "'%20OR%20'1'%3D'1",
  '%3Bdrop%20table%20audit_entry%3B--',
  '%3Cscript%3E',
  '%00',
  '%FF%FE',
  '%C0%AF',
  '%25',
  '%',
  'a'.repeat(6000),
];

const JSON_TYPE = { 'content-type': 'application/json' };

/** The body JSON's own fields for a route: the request minus path-bound fields, or the bound field's message. */
function bodyTargets(route: Route, input: DescMessage): FieldTarget[] {
  const bound = route.template.variables.map((variable) => variable.fieldPath.split('.')[0] ?? '');
  if (route.body === '*') return fieldTargets(input, bound);
  const field = input.fields.find((candidate) => candidate.name === route.body);
  return field?.fieldKind === 'message' ? fieldTargets(field.message) : [];
}

/** A concrete URL path for a route: `fill` for each variable segment, the first variable's replaced by `first`. */
function pathOf(route: Route, first = 'x'): string {
  const firstVariable = route.template.variables[0];
  const segments = route.template.segments.map((segment, index) => {
    if (segment.kind === 'literal') return encodeURIComponent(segment.value);
    const inFirst =
      firstVariable !== undefined &&
      index >= firstVariable.start &&
      (firstVariable.end === undefined || index < firstVariable.end);
    return inFirst ? first : 'x';
  });
  return `/${segments.join('/')}${route.template.verb === undefined ? '' : `:${route.template.verb}`}`;
}

/**
 * The REST corpus of one route: malformed, non-object, deeply nested, over-limit, mistyped and
 * non-UTF-8 bodies; for each body field a value of the wrong JSON type, NUL and invalid UTF-8 in
 * strings, out-of-range Timestamps and Durations, huge lists; bad query values; traversal and
 * injection in the path; and the plain request without credentials.
 */
export function restCorpus(route: Route, registry: FileRegistry, bodyLimitBytes: number): RestCase[] {
  const input = registry.getMessage(route.method.inputType) as DescMessage;
  const method = route.httpMethod;
  const path = pathOf(route);
  const cases: RestCase[] = [];
  const add = (
    name: string,
    body?: string | Buffer,
    headers: Record<string, string> = JSON_TYPE,
    at = path,
  ) =>
    cases.push({
      name,
      method,
      path: at,
      ...(body === undefined ? {} : { body: Buffer.isBuffer(body) ? body : Buffer.from(body) }),
      headers: body === undefined ? {} : headers,
      authenticated: true,
    });
  cases.push({
    name: 'the plain request without credentials',
    method,
    path,
    headers: {},
    authenticated: false,
  });
  for (const segment of route.template.variables.length > 0 ? HOSTILE_SEGMENTS : []) {
    add(
      `path variable ${segment.slice(0, 24)}`,
      route.body === undefined ? undefined : '{}',
      JSON_TYPE,
      pathOf(route, segment),
    );
  }
  add(
    'a query of unknown, NUL and invalid UTF-8 parameters',
    undefined,
    JSON_TYPE,
    `${path}?nope=1&page_token=%00&filter=%FF`,
  );
  if (route.body === undefined) {
    for (const target of fieldTargets(
      input,
      route.template.variables.map((v) => v.fieldPath.split('.')[0] ?? ''),
    )) {
      if (target.path.includes('.')) continue;
      for (const value of ['%00', '%FF', 'abc', '10000-01-01T00:00:00Z', '1e999', '-1']) {
        add(
          `query ${target.path}=${value}`,
          undefined,
          JSON_TYPE,
          `${path}?${target.field.jsonName}=${value}`,
        );
      }
    }
    return cases;
  }
  add('malformed JSON', '{"a": ');
  for (const body of ['[]', 'null', '1e999', '"x"', 'true']) add(`a body of ${body}`, body);
  add('JSON nested 5 000 deep', `${'['.repeat(5000)}${']'.repeat(5000)}`);
  add('objects nested 5 000 deep', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`);
  add('invalid UTF-8 in the body', Buffer.from([0x7b, 0x22, 0x61, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
  add('a text/plain body', '{}', { 'content-type': 'text/plain' });
  if (route.method.kind === 'client_streaming' || route.method.kind === 'bidi_streaming') {
    // A stream may be long; one line over the limit is what is refused.
    add('a line over the limit', Buffer.alloc(bodyLimitBytes + 1, 0x61), {
      'content-type': 'application/x-ndjson',
    });
  } else {
    add('a body declared over the limit', '{}', {
      ...JSON_TYPE,
      'content-length': String(bodyLimitBytes + 1),
    });
  }
  add('a __proto__ key', '{"__proto__": {"x": 1}}');
  for (const target of bodyTargets(route, input)) {
    for (const [name, value] of jsonValues(target)) {
      add(`${target.path}: ${name}`, Buffer.isBuffer(value) ? value : JSON.stringify(target.json(value)));
    }
  }
  return cases;
}

// The wrong-type and out-of-range JSON values of a field, by its kind. A Buffer is a whole body.
function jsonValues(target: FieldTarget): [string, unknown][] {
  const wrongTypes: [string, unknown][] = [
    ['a number', 123],
    ['an object', { a: 1 }],
    ['an array', [1, 'x']],
    ['a string', 'x'],
    ['a huge number', 1e308],
  ];
  switch (target.kind) {
    case 'string':
    case 'map-key':
    case 'map-value':
      return [
        ...wrongTypes.slice(0, 3),
        ['a NUL', 'a\u0000b'],
        ['a lone surrogate', '\ud800'],
        ['raw invalid UTF-8', rawInvalidUtf8(target)],
        ['an injection string', `'; drop table audit_entry; --`],
      ];
    case 'timestamp':
      return [
        ...wrongTypes,
        ['year 10000', '10000-01-01T00:00:00Z'],
        ['year 0', '0000-12-31T23:59:59Z'],
        ['month 13', '2026-13-01T00:00:00Z'],
      ];
    case 'duration':
      return [...wrongTypes, ['over 10 000 years', '315576000001s'], ['1e999s', '1e999s']];
    case 'list':
      return [
        ['a string', 'x'],
        ['an object', { a: 1 }],
        ['a null element', [null]],
        [`${HUGE_COUNT} elements`, new Array(HUGE_COUNT).fill(elementOf(target))],
      ];
    case 'map':
      return [
        ['an array', [1]],
        ['a string', 'x'],
      ];
    default:
      return wrongTypes;
  }
}

// A valid-looking element of a list, so only the count is wrong.
function elementOf(target: FieldTarget): unknown {
  const { field } = target;
  if (field.fieldKind !== 'list') return null;
  if (field.listKind === 'message') return {};
  if (field.listKind === 'enum') return 0;
  if (field.scalar === ScalarType.STRING) return 'x';
  if (field.scalar === ScalarType.BOOL) return true;
  return field.scalar === ScalarType.BYTES ? '' : 1;
}

// The field's JSON with a string whose bytes are not UTF-8 (JSON.stringify cannot write one).
function rawInvalidUtf8(target: FieldTarget): Buffer {
  const [before, after] = JSON.stringify(target.json('MARK')).split('MARK');
  return Buffer.concat([
    Buffer.from(before ?? ''),
    Buffer.from([0x61, 0xff, 0x62]),
    Buffer.from(after ?? ''),
  ]);
}
