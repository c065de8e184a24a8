import type { JsonObject } from '@bufbuild/protobuf';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, Code } from '../../../../src/platform/errors/index.ts';
import {
  boundFieldsOf,
  createRouteTable,
  queryParamsToJson,
} from '../../../../src/transport/gateway/routing/index.ts';
import { loadContract } from '../../../../src/transport/rpc/index.ts';
import { QuerySchema } from './query-fixture.ts';

const read = (query: string, boundFields: string[] = []) =>
  queryParamsToJson(new URLSearchParams(query), { message: QuerySchema, boundFields });

const accepted: [query: string, json: JsonObject][] = [
  ['', {}],
  ['name=x', { name: 'x' }],
  ['name=', { name: '' }],
  ['name=a%2Fb%20c', { name: 'a/b c' }],
  ['page_size=10', { pageSize: 10 }],
  ['pageSize=10', { pageSize: 10 }],
  ['page_size=-2147483648', { pageSize: -2147483648 }],
  ['verbose=true', { verbose: true }],
  ['verbose=0', { verbose: false }],
  ['big=9223372036854775807', { big: '9223372036854775807' }],
  ['big=-12', { big: '-12' }],
  ['huge=18446744073709551615', { huge: '18446744073709551615' }],
  ['small=4294967295', { small: 4294967295 }],
  ['delta=-3', { delta: -3 }],
  ['ratio=1.5e3', { ratio: 1500 }],
  ['ratio=-.5', { ratio: -0.5 }],
  ['ratio=NaN', { ratio: 'NaN' }],
  ['ratio=-Infinity', { ratio: '-Infinity' }],
  ['scale=3.4e38', { scale: 3.4e38 }],
  ['blob=aGVsbG8=', { blob: 'aGVsbG8=' }],
  ['blob=aGVsbG8', { blob: 'aGVsbG8' }],
  ['blob=a-_b', { blob: 'a-_b' }],
  ['state=STATE_UP', { state: 'STATE_UP' }],
  ['state=2', { state: 'STATE_DOWN' }],
  ['tags=a&tags=b', { tags: ['a', 'b'] }],
  ['tags=only', { tags: ['only'] }],
  ['sizes=1&sizes=2', { sizes: [1, 2] }],
  ['states=STATE_UP&states=2', { states: ['STATE_UP', 'STATE_DOWN'] }],
  ['ratios=0.5&ratios=NaN', { ratios: [0.5, 'NaN'] }],
  ['filter.state=STATE_UP&filter.display_name=x', { filter: { state: 'STATE_UP', displayName: 'x' } }],
  [
    'filter.nested.displayName=y&filter.state=1',
    { filter: { nested: { displayName: 'y' }, state: 'STATE_UP' } },
  ],
  ['start_time=2026-01-02T15:04:05Z', { startTime: '2026-01-02T15:04:05Z' }],
  ['startTime=2026-01-02T15:04:05.123456789%2B02:00', { startTime: '2026-01-02T15:04:05.123456789+02:00' }],
  ['start_time=2026-01-02T15:04:05+02:00', { startTime: '2026-01-02T15:04:05+02:00' }],
  ['window=1.5s', { window: '1.5s' }],
  ['window=-3s', { window: '-3s' }],
  ['update_mask=display_name,filter.state', { updateMask: 'displayName,filter.state' }],
  ['updateMask=a&updateMask=b_c', { updateMask: 'a,bC' }],
  ['max_count=12', { maxCount: '12' }],
  ['enabled=false', { enabled: false }],
  ['device_id=d1', { deviceId: 'd1' }],
  [
    'page_size=5&tags=x&filter.state=STATE_DOWN',
    { pageSize: 5, tags: ['x'], filter: { state: 'STATE_DOWN' } },
  ],
];

for (const [query, json] of accepted) {
  test(`?${query} reads as ${JSON.stringify(json)}`, () => {
    assert.equal(read(query), json);
  });
}

const refused: [query: string, field: string, description: string][] = [
  ['nope=1', 'nope', 'unknown query parameter: test.v1.Query has no field "nope"'],
  ['=1', '', 'has no field ""'],
  ['Page_Size=1', 'Page_Size', 'has no field "Page_Size"'],
  ['filter.nope=1', 'filter.nope', 'test.v1.Filter has no field "nope"'],
  ['filter..state=1', 'filter..state', 'has no field ""'],
  ['name.x=1', 'name.x', '"name" has no fields a query can set'],
  ['start_time.seconds=1', 'start_time.seconds', '"start_time" has no fields a query can set'],
  ['page_size=abc', 'page_size', 'expected an int32, got "abc"'],
  ['page_size=1.5', 'page_size', 'expected an int32, got "1.5"'],
  ['page_size=2147483648', 'page_size', 'expected an int32'],
  ['page_size=', 'page_size', 'expected an int32, got ""'],
  [`page_size=${'9'.repeat(100)}`, 'page_size', `expected an int32, got "${'9'.repeat(61)}..."`],
  ['small=-1', 'small', 'expected a uint32'],
  ['big=1e3', 'big', 'expected an int64'],
  ['big=9223372036854775808', 'big', 'expected an int64'],
  ['huge=-1', 'huge', 'expected a uint64'],
  ['verbose=yes', 'verbose', 'expected a bool (true, false, 1 or 0), got "yes"'],
  ['ratio=1,5', 'ratio', 'expected a double'],
  ['ratio=0x10', 'ratio', 'expected a double'],
  ['scale=1e39', 'scale', 'expected a float'],
  ['blob=a', 'blob', 'expected base64 bytes'],
  ['blob=a*b', 'blob', 'expected base64 bytes'],
  [
    'state=STATE_SIDEWAYS',
    'state',
    'expected one of STATE_UNSPECIFIED, STATE_UP, STATE_DOWN (or its number)',
  ],
  ['state=7', 'state', 'expected one of STATE_UNSPECIFIED'],
  ['state=state_up', 'state', 'expected one of'],
  ['sizes=1&sizes=x', 'sizes', 'expected an int32, got "x"'],
  ['start_time=2026-01-02', 'start_time', 'expected an RFC 3339 timestamp'],
  ['start_time=2026-13-45T99:00:00Z', 'start_time', 'expected an RFC 3339 timestamp'],
  ['start_time=1767366245', 'start_time', 'expected an RFC 3339 timestamp'],
  ['window=1.5', 'window', 'expected a duration in seconds such as 1.5s'],
  ['window=1m', 'window', 'expected a duration'],
  ['window=315576000001s', 'window', 'expected a duration'],
  ['update_mask=a,,b', 'update_mask', 'expected a comma-separated list of field paths'],
  ['max_count=x', 'max_count', 'expected an int64'],
  ['enabled=maybe', 'enabled', 'expected a bool'],
  ['page_size=1&page_size=2', 'page_size', 'given 2 times, but the field is not repeated'],
  ['page_size=1&pageSize=2', 'page_size', 'given 2 times, but the field is not repeated'],
  ['filter=x', 'filter', 'is a message: set its fields, e.g. filter.state'],
  ['labels=x', 'labels', 'a map field cannot be set from the query'],
  ['labels.k=x', 'labels.k', '"labels" has no fields a query can set'],
  ['extra.fields=x', 'extra.fields', '"extra" has no fields a query can set'],
  ['items=x', 'items', 'a repeated message field cannot be set from the query'],
  ['extra=x', 'extra', 'google.protobuf.Struct cannot be set from a query parameter'],
  ['device_id=a&group_id=b', 'group_id', '"device_id" is already set, and both are in oneof target'],
];

for (const [query, field, description] of refused) {
  test(`?${query} is INVALID_ARGUMENT naming "${field}": ${description}`, () => {
    try {
      read(query);
      assert.unreachable('accepted');
    } catch (error) {
      assert.instance(error, AppError);
      const appError = error as AppError;
      assert.is(appError.code, Code.INVALID_ARGUMENT);
      assert.is(appError.reason, 'INVALID_REQUEST');
      const violation = appError.details.fieldViolations?.[0];
      assert.is(violation?.field, field);
      assert.ok(violation?.description.includes(description), violation?.description);
      assert.ok(appError.message.startsWith(`invalid query parameter "${field}": `), appError.message);
    }
  });
}

const bound: [query: string, boundFields: string[], outcome: JsonObject | string][] = [
  ['name=x', ['name'], '"name" is already set by the URL path or body'],
  ['filter.state=1', ['filter'], '"filter" is already set by the URL path or body'],
  ['filter.displayName=x', ['filter.state'], { filter: { displayName: 'x' } }],
  ['page_size=1', ['*'], 'this route takes every field from the body'],
  ['page_size=1', ['name', 'filter'], { pageSize: 1 }],
];

for (const [query, boundFields, outcome] of bound) {
  const what = typeof outcome === 'string' ? `is refused: ${outcome}` : 'is read';
  test(`?${query} with ${boundFields.join(', ')} bound ${what}`, () => {
    if (typeof outcome !== 'string') {
      assert.equal(read(query, boundFields), outcome);
      return;
    }
    assert.throws(
      () => read(query, boundFields),
      (error: AppError) => error.details.fieldViolations?.[0]?.description === outcome,
    );
  });
}

test('every bad parameter is reported at once, the message naming the first', () => {
  try {
    read('nope=1&page_size=x&tags=a');
    assert.unreachable('accepted');
  } catch (error) {
    const { message, details } = error as AppError;
    assert.is(
      message,
      'invalid query parameter "nope": unknown query parameter: test.v1.Query has no field "nope"',
    );
    assert.equal(
      details.fieldViolations?.map((violation) => violation.field),
      ['nope', 'page_size'],
    );
  }
});

test('with ignoreUnknown (form bodies) unknown names are skipped, but bad values are still refused', () => {
  const form = (text: string) =>
    queryParamsToJson(new URLSearchParams(text), { message: QuerySchema, ignoreUnknown: true });
  assert.equal(form('nope=1&page_size=3&submit=Go'), { pageSize: 3 });
  assert.throws(() => form('nope=1&page_size=x'), /page_size/);
});

test('a real route reads its free fields from the query and refuses the ones its path binds', () => {
  const contract = loadContract();
  const result = createRouteTable(contract).lookup('GET', '/api/v1/series/s1:querySamples');
  assert.is(result.kind, 'found');
  if (result.kind !== 'found') return;
  const options = { message: result.route.method.descriptor.input, boundFields: boundFieldsOf(result.route) };
  assert.equal(
    queryParamsToJson(
      new URLSearchParams('start_time=2026-01-02T00:00:00Z&pageSize=5&order_by=time'),
      options,
    ),
    { startTime: '2026-01-02T00:00:00Z', pageSize: 5, orderBy: 'time' },
  );
  assert.throws(
    () => queryParamsToJson(new URLSearchParams('name=series/other'), options),
    (error: AppError) => error.details.fieldViolations?.[0]?.field === 'name',
  );
});

test('a body "*" route binds every field', () => {
  const result = createRouteTable(loadContract()).lookup('POST', '/api/v1/jobs/j1:cancel');
  assert.is(result.kind, 'found');
  if (result.kind !== 'found') return;
  assert.equal(boundFieldsOf(result.route), ['name', '*']);
});

test.run();
