import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { timestampToRfc3339 } from '../../../../src/transport/gateway/rfc3339.ts';

// Date.UTC reads years 0-99 as 1900-1999, so instants are built with setUTCFullYear.
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date;
}

const FIRST = utc(1, 1, 1);
const LAST = utc(9999, 12, 31, 23, 59, 59, 999);

const cases: [string, Date, string][] = [
  ['the epoch', new Date(0), '1970-01-01T00:00:00Z'],
  ['a millisecond before the epoch', new Date(-1), '1969-12-31T23:59:59.999Z'],
  ['a leap day', utc(2000, 2, 29, 12, 30, 45, 7), '2000-02-29T12:30:45.007Z'],
  ['the day after a leap day', utc(2024, 3, 1), '2024-03-01T00:00:00Z'],
  ['a century that is not a leap year', utc(2100, 2, 28, 23, 59, 59), '2100-02-28T23:59:59Z'],
  ['the first instant proto3 JSON allows', FIRST, '0001-01-01T00:00:00Z'],
  ['the last instant proto3 JSON allows', LAST, '9999-12-31T23:59:59.999Z'],
];

for (const [name, date, expected] of cases) {
  test(`writes ${name}`, () => {
    assert.is(timestampToRfc3339(date), expected);
  });
}

test('agrees with toISOString (fraction dropped when zero) on instants over the whole range', () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let i = 0; i < 20_000; i += 1) {
    const at = Math.floor(FIRST.getTime() + random() * (LAST.getTime() - FIRST.getTime()));
    const date = new Date(i % 2 === 0 ? at : at - (((at % 1000) + 1000) % 1000));
    const iso = date.toISOString();
    const expected = date.getUTCMilliseconds() === 0 ? `${iso.slice(0, 19)}Z` : iso;
    assert.is(timestampToRfc3339(date), expected, String(date.getTime()));
  }
});

test('outside years 0001-9999 it writes what toISOString writes; an invalid date throws', () => {
  assert.is(timestampToRfc3339(utc(10_000, 1, 1)), '+010000-01-01T00:00:00Z');
  assert.throws(() => timestampToRfc3339(new Date(Number.NaN)), RangeError);
});

test.run();
