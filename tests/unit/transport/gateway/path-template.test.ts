import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import {
  comparePathTemplates,
  type PathBindings,
  parsePathTemplate,
  pathTemplateMatchesUnder,
  pathTemplateShape,
} from '../../../../src/transport/gateway/routing/index.ts';

const malformed: [template: string, why: string][] = [
  ['', 'must start with "/"'],
  ['v1/devices', 'must start with "/"'],
  ['/', 'a segment is empty'],
  ['/v1//devices', 'a segment is empty'],
  ['/v1/devices/', 'a segment is empty'],
  ['/v1/:cancel', 'a segment is empty'],
  ['/v1/{', 'is not a field path'],
  ['/v1/{name', 'is not closed'],
  ['/v1/{name=devices/*', 'is not closed'],
  ['/v1/name}', '"}" without "{"'],
  ['/v1/{name}}', '"}" without "{"'],
  ['/v1/{}', '"" is not a field path'],
  ['/v1/{name=}', 'has an empty pattern'],
  ['/v1/{name.}', 'is not a field path'],
  ['/v1/{name..nested}', 'is not a field path'],
  ['/v1/{field-name}', 'is not a field path'],
  ['/v1/{1st}', 'is not a field path'],
  ['/v1/{a={b}}', 'variables cannot nest'],
  ['/v1/{a=b/{c}}', 'variables cannot nest'],
  ['/v1/**/a', '"**" must be the last segment'],
  ['/v1/{a=**}/b', '"**" must be the last segment'],
  ['/v1/{a=**/b}', '"**" must be the last segment'],
  ['/v1/{a}/{a}', 'field "a" is bound twice'],
  ['/v1/a?b', 'is not a valid literal segment'],
  ['/v1/%', 'is not a valid literal segment'],
  ['/v1/a%2z', 'is not a valid literal segment'],
  ['/v1/a*b', 'is not a valid literal segment'],
  ['/v1/***', 'is not a valid literal segment'],
  ['/v1/x{a}', 'mixes a literal and a variable'],
  ['/v1/{a}x', 'mixes a literal and a variable'],
  ['/v1/*:', 'the verb ":" is not a literal'],
  ['/v1/*:a/b', '"*:a" is not a valid literal segment'],
];

for (const [template, why] of malformed) {
  test(`the template "${template}" is rejected: ${why}`, () => {
    assert.throws(
      () => parsePathTemplate(template),
      (error: Error) =>
        error.message.startsWith(`invalid path template "${template}": `) && error.message.includes(why),
    );
  });
}

const matches: [template: string, path: string, bindings: PathBindings | undefined][] = [
  // literals and wildcards
  ['/v1/devices', '/v1/devices', {}],
  ['/v1/devices', '/v1/device', undefined],
  ['/v1/devices', '/v1/devices/', undefined],
  ['/v1/devices', '/v1/devices/d1', undefined],
  ['/v1/devices', 'v1/devices', undefined],
  ['/v1/devices', '/v1/%64evices', {}],
  ['/v1/a%20b', '/v1/a%20b', {}],
  ['/v1/*/x', '/v1/anything/x', {}],
  ['/v1/*/x', '/v1//x', undefined],
  // single-segment variables: fully decoded, `%2F` included
  ['/v1/{name}', '/v1/d1', { name: 'd1' }],
  ['/v1/{name}', '/v1/', undefined],
  ['/v1/{name}', '/v1/a/b', undefined],
  ['/v1/{name}', '/v1/a%2Fb', { name: 'a/b' }],
  ['/v1/{name}', '/v1/caf%C3%A9%20au%20lait', { name: 'café au lait' }],
  ['/v1/{name}', '/v1/a+b', { name: 'a+b' }],
  ['/v1/{a.b.c}', '/v1/z', { 'a.b.c': 'z' }],
  ['/v1/{parent=shelves/*}/books/{book}', '/v1/shelves/s1/books/b2', { parent: 'shelves/s1', book: 'b2' }],
  ['/v1/*/{id}', '/v1/x/y', { id: 'y' }],
  // multi-segment variables: decoded except `%2F`, which stays reserved
  ['/v1/{name=devices/*}', '/v1/devices/d%201', { name: 'devices/d 1' }],
  ['/v1/{name=devices/*}', '/v1/devices/a%2Fb', { name: 'devices/a%2Fb' }],
  ['/v1/{name=devices/*}', '/v1/devices/a%2fb', { name: 'devices/a%2fb' }],
  ['/v1/{name=devices/*}', '/v1/things/d1', undefined],
  ['/v1/{name=devices/*}', '/v1/devices', undefined],
  ['/v1/{name=services/*/instances/*}', '/v1/services/s/instances/i', { name: 'services/s/instances/i' }],
  ['/v1/{name=**}', '/v1/a/b/c', { name: 'a/b/c' }],
  ['/v1/{name=**}', '/v1/a%2Fb/c%3Ad%20e', { name: 'a%2Fb/c:d e' }],
  ['/v1/{name=**}', '/v1', { name: '' }],
  ['/v1/{name=**}', '/v1/a//b', undefined],
  ['/v1/**', '/v1/a/b', {}],
  ['/v1/{name=files/**}', '/v1/files/etc/hosts', { name: 'files/etc/hosts' }],
  ['/v1/{name=files/**}', '/v1/other/etc', undefined],
  // verbs
  ['/v1/{name=jobs/*}:cancel', '/v1/jobs/j1:cancel', { name: 'jobs/j1' }],
  ['/v1/{name=jobs/*}:cancel', '/v1/jobs/j1', undefined],
  ['/v1/{name=jobs/*}:cancel', '/v1/jobs/j1:watch', undefined],
  ['/v1/{name=jobs/*}:cancel', '/v1/jobs/:cancel', undefined],
  ['/v1/{name=jobs/*}:cancel', '/v1/jobs/j1%3Acancel', undefined],
  ['/v1/{name=jobs/*}', '/v1/jobs/j1:cancel', { name: 'jobs/j1:cancel' }],
  ['/v1/{id}', '/v1/x%3Acancel', { id: 'x:cancel' }],
  ['/v1/{id}:verb', '/v1/a:b:verb', { id: 'a:b' }],
  ['/v1/series:ingest', '/v1/series:ingest', {}],
  ['/v1/series:ingest', '/v1/series', undefined],
  ['/v1/series', '/v1/series:ingest', undefined],
  ['/v1:verb', '/v1:verb', {}],
  ['/v1/a:b/c', '/v1/a:b/c', {}],
  ['/v1/a:b/c', '/v1/a/c', undefined],
  ['/v1/{id=**}:verb', '/v1/a/b:verb', { id: 'a/b' }],
  ['/v1/{id=**}:verb', '/v1/a/b', undefined],
  ['/v1/{name=a:b}/x', '/v1/a:b/x', { name: 'a:b' }],
  ['/v1/a:b:c', '/v1/a:b:c', {}],
  ['/foo/{id}:verb:subverb', '/foo/bar:verb:subverb', { id: 'bar' }],
  ['/foo/{id}:verb:subverb', '/foo/bar:subverb', undefined],
  ['/foo/{id}:verb', '/foo/bar:123', undefined],
  ['/foo/{id}', '/foo/bar:123', { id: 'bar:123' }],
  // grpc-gateway's mux cases: a single-segment variable decodes `%2F`, a `**` one keeps it
  ['/foo/{id}/bar', '/foo/success%2fwith%2Fspace/bar', { id: 'success/with/space' }],
  ['/foo/{id=**}', '/foo/success%2fwith%2Fspace', { id: 'success%2fwith%2Fspace' }],
  // `%2F` never splits segments, so it cannot fake the slash a multi-segment pattern needs
  ['/api/v1/{name=organizations/*}:action', '/api/v1/organizations%2Ffoo:action', undefined],
];

for (const [template, path, bindings] of matches) {
  const outcome = bindings === undefined ? 'does not match' : `binds ${JSON.stringify(bindings)}`;
  test(`"${template}" on "${path}" ${outcome}`, () => {
    assert.equal(parsePathTemplate(template).match(path), bindings);
  });
}

test('a malformed escape in a variable is INVALID_ARGUMENT, in a literal it is no match', () => {
  for (const path of ['/v1/%zz', '/v1/%E2%82', '/v1/a%2']) {
    assert.throws(
      () => parsePathTemplate('/v1/{name}').match(path),
      (error: unknown) => error instanceof AppError && error.code === Code.INVALID_ARGUMENT,
      path,
    );
  }
  assert.throws(
    () => parsePathTemplate('/v1/{name=**}').match('/v1/a%2F%zz'),
    (error: unknown) => error instanceof AppError && error.code === Code.INVALID_ARGUMENT,
  );
  assert.is(parsePathTemplate('/v1/devices').match('/v1/%zz'), undefined);
});

test('the compiled template exposes its segments, variables and verb', () => {
  const template = parsePathTemplate('/api/v1/{name=jobs/*}:cancel');
  assert.is(template.source, '/api/v1/{name=jobs/*}:cancel');
  assert.is(template.verb, 'cancel');
  assert.is(parsePathTemplate('/v1/a:b:c').verb, 'c');
  assert.is(parsePathTemplate('/v1/{id}:verb:sub').verb, 'verb:sub');
  assert.is(parsePathTemplate('/v1/{id}').verb, undefined);
  assert.equal(template.segments, [
    { kind: 'literal', value: 'api' },
    { kind: 'literal', value: 'v1' },
    { kind: 'literal', value: 'jobs' },
    { kind: 'wildcard' },
  ]);
  assert.equal(template.variables, [{ fieldPath: 'name', start: 2, end: 4, multiSegment: true }]);
  assert.equal(parsePathTemplate('/v1/{id}').variables, [
    { fieldPath: 'id', start: 1, end: 2, multiSegment: false },
  ]);
  assert.equal(parsePathTemplate('/v1/{p=**}').variables, [
    { fieldPath: 'p', start: 1, end: undefined, multiSegment: true },
  ]);
});

const precedence: [winner: string, loser: string, rule: string][] = [
  ['/v1/devices/current', '/v1/devices/{id}', 'a literal beats a variable'],
  ['/v1/devices/{id}', '/v1/devices/{path=**}', 'a variable beats "**"'],
  ['/v1/a/*', '/v1/*/b', 'the leftmost differing segment decides'],
  ['/v1/{id}', '/v1/{id}/{rest=**}', 'a template that ended beats one continuing with "**"'],
  ['/v1/{name=jobs/*}:cancel', '/v1/{name=jobs/*}', 'a verb beats no verb when segments tie'],
  ['/v1/x:do', '/v1/{name=**}', 'a literal with a verb beats "**"'],
];

for (const [winner, loser, rule] of precedence) {
  test(`precedence: ${rule} ("${winner}" before "${loser}")`, () => {
    const a = parsePathTemplate(winner);
    const b = parsePathTemplate(loser);
    assert.ok(comparePathTemplates(a, b) < 0);
    assert.ok(comparePathTemplates(b, a) > 0);
  });
}

test('precedence does not depend on declaration order', () => {
  const sources = ['/v1/{p=**}', '/v1/{id}', '/v1/b', '/v1/a', '/v1/{id}:x', '/v1/{id}/c'];
  const sorted = (list: string[]) =>
    list
      .map(parsePathTemplate)
      .sort(comparePathTemplates)
      .map((t) => t.source);
  const expected = ['/v1/a', '/v1/b', '/v1/{id}:x', '/v1/{id}', '/v1/{id}/c', '/v1/{p=**}'];
  assert.equal(sorted(sources), expected);
  assert.equal(sorted([...sources].reverse()), expected);
});

test('the shape erases variable names, so equivalent templates collide', () => {
  const shape = (source: string) => pathTemplateShape(parsePathTemplate(source));
  assert.is(shape('/v1/{name=jobs/*}:cancel'), '/v1/jobs/*:cancel');
  assert.is(shape('/v1/jobs/{id}:cancel'), '/v1/jobs/*:cancel');
  assert.is(shape('/v1/{p=**}'), '/v1/**');
  assert.is.not(shape('/v1/{id}'), shape('/v1/{id}:cancel'));
});

// Whether some path below the base (`/api/v1/proxy` → `/api/v1/proxy/…`) matches the template.
const below: [template: string, base: string, matches: boolean][] = [
  ['/api/v1/{name=devices/*}', '/api/v1/proxy', false],
  ['/api/v1/{name=devices/*}', '/api/v1/devices', true],
  ['/api/v1/{name=devices/*}', '/api/v1', true],
  ['/api/v1/{name=devices/*}', '/api/v1/devices/d1', false],
  ['/api/v1/{name=devices/*}:cancel', '/api/v1/devices', true],
  ['/api/v1/{parent=services/*}/instances', '/api/v1/services/s1', true],
  ['/api/v1/{parent=services/*}/instances', '/api/v1/services/s1/instances', false],
  ['/api/v1/{path=**}', '/api/v1/anything/deeper', true],
  ['/api/v1/files/{path=**}', '/api/v1/files', true],
  ['/api/v1/auth/whoami', '/api/v1/auth', true],
  ['/api/v1/auth/whoami', '/api/v1/auth/whoami', false],
  ['/api/v1/auth/whoami', '', true],
];

for (const [template, base, matches] of below) {
  test(`${template} ${matches ? 'matches' : 'matches nothing'} below ${base || '/'}`, () => {
    assert.is(pathTemplateMatchesUnder(parsePathTemplate(template), base), matches);
  });
}

test.run();
