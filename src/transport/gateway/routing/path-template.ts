import { AppError, Code, PlatformReason } from '../../../platform/errors/index.ts';

/** One segment of a compiled template: a literal (stored decoded), `*`, or the trailing `**`. */
export type TemplateSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'deep' };

/** A `{field.path=…}` variable: the segments `[start, end)` it captures (`end` undefined for `**`). */
export interface TemplateVariable {
  readonly fieldPath: string;
  readonly start: number;
  readonly end: number | undefined;
  /**
   * Whether the variable may span several segments (`{name=devices/*}`, `{path=**}`). Such a
   * value is decoded except for `%2F`, which stays encoded so that an escaped slash cannot be
   * told apart from a segment separator only after the fact (http.proto, "reserved expansion").
   */
  readonly multiSegment: boolean;
}

/** The bindings of a matched path: field path → decoded value, e.g. `{ name: 'devices/d1' }`. */
export type PathBindings = Record<string, string>;

/** A compiled google.api.http path template. */
export interface PathTemplate {
  /** The template as written in the proto. */
  readonly source: string;
  readonly segments: readonly TemplateSegment[];
  readonly variables: readonly TemplateVariable[];
  /** The custom verb (`cancel` in `/v1/{name=jobs/*}:cancel`), if any. */
  readonly verb: string | undefined;
  /**
   * Matches a raw (still percent-encoded) URL path without its query. Returns the variable
   * bindings, or undefined when the path does not match. Segments are split on raw `/` before
   * decoding, so `%2F` never separates segments; an empty segment (`//`, a trailing `/`)
   * matches nothing. Throws an INVALID_ARGUMENT AppError when a matched variable holds a
   * malformed percent-encoding: that is the client's mistake, not a missing route.
   */
  match(path: string): PathBindings | undefined;
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
// pchar of RFC 3986 without `*` (reserved for wildcards) and `:` in verbs, which split earlier.
const LITERAL = /^(?:[A-Za-z0-9\-._~!$&'()+,;=:@]|%[0-9A-Fa-f]{2})+$/;

/**
 * Parses a path template of the http.proto grammar:
 *
 * ```
 * Template = "/" Segments [ Verb ] ;  Segments = Segment { "/" Segment } ;
 * Segment  = "*" | "**" | LITERAL | Variable ;  Variable = "{" FieldPath [ "=" Segments ] "}" ;
 * ```
 *
 * `{x}` is `{x=*}`. `**` must be the last segment. A variable cannot nest or repeat a field
 * path. The verb ends the last segment (a `:` in an earlier segment is part of a literal).
 * Throws an Error naming the template when it is malformed:
 * templates come from the proto, so that is a build-time bug.
 */
export function parsePathTemplate(source: string): PathTemplate {
  function fail(why: string): never {
    throw new Error(`invalid path template "${source}": ${why}`);
  }
  if (!source.startsWith('/')) fail('it must start with "/"');
  const { body, verb } = splitVerb(source, fail);
  const segments: TemplateSegment[] = [];
  const variables: TemplateVariable[] = [];
  let open: { fieldPath: string; start: number } | undefined;
  for (const token of tokenize(body.slice(1), fail)) {
    if (token.startsWith('{')) {
      if (open !== undefined) fail(`variables cannot nest (inside "${open.fieldPath}")`);
      const equals = token.indexOf('=');
      const fieldPath = equals === -1 ? token.slice(1) : token.slice(1, equals);
      const pattern = equals === -1 ? undefined : token.slice(equals + 1);
      if (!FIELD_PATH.test(fieldPath)) fail(`"${fieldPath}" is not a field path`);
      if (variables.some((variable) => variable.fieldPath === fieldPath)) {
        fail(`field "${fieldPath}" is bound twice`);
      }
      open = { fieldPath, start: segments.length };
      if (pattern === undefined) continue;
      if (pattern === '') fail(`variable "${fieldPath}" has an empty pattern`);
      segments.push(segmentFrom(pattern, fail));
      continue;
    }
    if (token === '}') {
      if (open === undefined) fail('"}" without "{"');
      variables.push(closeVariable(open, segments));
      open = undefined;
      continue;
    }
    segments.push(segmentFrom(token, fail));
  }
  if (open !== undefined) fail(`variable "${open.fieldPath}" is not closed`);
  const deepAt = segments.findIndex((segment) => segment.kind === 'deep');
  if (deepAt !== -1 && deepAt !== segments.length - 1) fail('"**" must be the last segment');
  return createPathTemplate(source, segments, variables, verb);
}

/**
 * After a literal the verb follows the last `:` (`/v1/a:b:c` is literal `a:b`, verb `c`); after
 * a variable everything past the `}` is the verb (`/v1/{id}:verb:sub` has verb `verb:sub`), as in
 * grpc-gateway's httprule parser.
 */
function splitVerb(source: string, fail: (why: string) => never): { body: string; verb: string | undefined } {
  const slash = source.lastIndexOf('/');
  const brace = source.lastIndexOf('}');
  const colon = brace > slash ? brace + 1 : source.lastIndexOf(':');
  if (colon <= slash || source[colon] !== ':') return { body: source, verb: undefined };
  const verb = source.slice(colon + 1);
  if (!LITERAL.test(verb)) fail(`the verb ":${verb}" is not a literal`);
  return { body: source.slice(0, colon), verb };
}

/** Splits `a/{b=c/*}/d` into `a`, `{b=c`, `*`, `}`, `d`, rejecting empty segments. */
function* tokenize(text: string, fail: (why: string) => never): Generator<string> {
  for (const part of text.split('/')) {
    let rest = part;
    let closes = 0;
    while (rest.endsWith('}')) {
      rest = rest.slice(0, -1);
      closes++;
    }
    if (rest.indexOf('{', 1) !== -1 || rest.includes('}')) {
      const nested = rest.startsWith('{') && rest.indexOf('{', 1) !== -1;
      fail(nested ? 'variables cannot nest' : `"${part}" mixes a literal and a variable`);
    }
    if (rest === '' && closes === 0) fail('a segment is empty');
    if (rest !== '') yield rest;
    for (let i = 0; i < closes; i++) yield '}';
  }
}

function segmentFrom(token: string, fail: (why: string) => never): TemplateSegment {
  if (token === '*') return { kind: 'wildcard' };
  if (token === '**') return { kind: 'deep' };
  if (token.startsWith('{')) fail('variables cannot nest');
  if (!LITERAL.test(token)) fail(`"${token}" is not a valid literal segment`);
  return { kind: 'literal', value: decodeURIComponent(token) };
}

function closeVariable(open: { fieldPath: string; start: number }, segments: TemplateSegment[]) {
  // `{x}` is sugar for `{x=*}`.
  if (segments.length === open.start) segments.push({ kind: 'wildcard' });
  const captured = segments.slice(open.start);
  const deep = captured.some((segment) => segment.kind === 'deep');
  return {
    fieldPath: open.fieldPath,
    start: open.start,
    end: deep ? undefined : segments.length,
    multiSegment: deep || captured.length > 1,
  };
}

function createPathTemplate(
  source: string,
  segments: readonly TemplateSegment[],
  variables: readonly TemplateVariable[],
  verb: string | undefined,
): PathTemplate {
  const deep = segments.at(-1)?.kind === 'deep';
  const fixed = deep ? segments.length - 1 : segments.length;
  return {
    source,
    segments,
    variables,
    verb,
    match(path) {
      if (!path.startsWith('/')) return undefined;
      let parts = splitPath(path);
      if (verb !== undefined) {
        const last = parts.length - 1;
        const lastPart = parts[last] ?? '';
        if (!lastPart.endsWith(`:${verb}`)) return undefined;
        parts = [...parts.slice(0, last), lastPart.slice(0, -verb.length - 1)];
      }
      if (deep ? parts.length < fixed : parts.length !== fixed) return undefined;
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as string;
        if (part === '') return undefined;
        const segment = segments[Math.min(i, segments.length - 1)];
        if (segment?.kind === 'literal' && (part.includes('%') ? safeDecode(part) : part) !== segment.value) {
          return undefined;
        }
      }
      const bindings: PathBindings = {};
      for (const variable of variables) {
        const raw = parts.slice(variable.start, variable.end).join('/');
        bindings[variable.fieldPath] = variable.multiSegment ? decodeKeepingSlashes(raw) : decode(raw);
      }
      return bindings;
    },
  };
}

// A lookup tries one template after another on the same path: split it once, not per template.
// (One entry is enough: a lookup runs to completion before the next request's.)
let splitSource: string | undefined;
let splitParts: readonly string[] = [];

function splitPath(path: string): readonly string[] {
  if (path !== splitSource) {
    splitSource = path;
    splitParts = path.slice(1).split('/');
  }
  return splitParts;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function decode(text: string): string {
  const decoded = safeDecode(text);
  if (decoded === undefined) {
    throw new AppError(
      Code.INVALID_ARGUMENT,
      PlatformReason.INVALID_REQUEST,
      `the URL path has a malformed percent-encoding in "${text}"`,
    );
  }
  return decoded;
}

function decodeKeepingSlashes(text: string): string {
  return text
    .split(/(%2F)/i)
    .map((piece, index) => (index % 2 === 1 ? piece : decode(piece)))
    .join('');
}

const RANK = { literal: 0, wildcard: 1, deep: 2 } as const;

/**
 * Orders templates by precedence, most specific first, for when several match one path:
 * segments are compared left to right and at the first one that differs a literal beats `*`,
 * `*` beats `**`, and a template that has ended beats one still going with `**`. When the
 * segments tie, a template with a verb beats one without (so `/v1/{name=jobs/*}:cancel` wins
 * over `/v1/{name=jobs/*}`, which would otherwise bind `jobs/1:cancel`). Anything still tied is
 * ordered by source text, so the order never depends on declaration order.
 */
export function comparePathTemplates(a: PathTemplate, b: PathTemplate): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const left = a.segments[i];
    const right = b.segments[i];
    if (left === undefined) return -1;
    if (right === undefined) return 1;
    const byKind = RANK[left.kind] - RANK[right.kind];
    if (byKind !== 0) return byKind;
  }
  if ((a.verb === undefined) !== (b.verb === undefined)) return a.verb === undefined ? 1 : -1;
  return a.source < b.source ? -1 : a.source > b.source ? 1 : 0;
}

/**
 * The shape of a template with variable names erased: `/v1/{name=jobs/*}:cancel` and
 * `/v1/jobs/{id}:cancel` both give `/v1/jobs/*:cancel`. Two routes of one HTTP method with the
 * same shape match exactly the same paths, so one of them could never be reached.
 */
export function pathTemplateShape(template: PathTemplate): string {
  const segments = template.segments.map((segment) =>
    segment.kind === 'literal' ? encodeURIComponent(segment.value) : segment.kind === 'deep' ? '**' : '*',
  );
  return `/${segments.join('/')}${template.verb === undefined ? '' : `:${template.verb}`}`;
}

/**
 * Whether the template matches some path under `base` (`/api/v1/proxy` → any `/api/v1/proxy/…`):
 * a handler that takes every path under `base` would take requests meant for the template.
 * `base` is a plain path without percent-encoding or a trailing `/`; `''` stands for the root.
 */
export function pathTemplateMatchesUnder(template: PathTemplate, base: string): boolean {
  const parts = base === '' ? [] : base.slice(1).split('/');
  const { segments } = template;
  for (const [index, part] of parts.entries()) {
    const segment = segments[index];
    if (segment === undefined) return false;
    if (segment.kind === 'deep') return true;
    if (segment.kind === 'literal' && segment.value !== part) return false;
  }
  // At least one segment must follow the base: the template must go on past it.
  return segments.length > parts.length;
}
