import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyValueTransform, isHardwareError, validateValueTransform } from '../../../src/hardware/index.ts';

test('scale applies before offset', () => {
  const cases: Array<[number, Parameters<typeof applyValueTransform>[1], number]> = [
    [10, {}, 10],
    [10, { scale: 0.1 }, 1],
    [10, { offset: -5 }, 5],
    [1000, { scale: 0.01, offset: -40 }, -30],
    [-3, { scale: -2 }, 6],
  ];
  for (const [raw, transform, expected] of cases) {
    assert.ok(
      Math.abs(applyValueTransform(raw, transform) - expected) < 1e-12,
      `${raw} ${JSON.stringify(transform)}`,
    );
  }
});

test('range is checked on the transformed value, bounds inclusive', () => {
  const range = { scale: 2, min: 0, max: 10 };
  assert.is(applyValueTransform(0, range), 0);
  assert.is(applyValueTransform(5, range), 10);
  for (const raw of [-0.5, 5.5]) {
    assert.throws(
      () => applyValueTransform(raw, range, 'temperature'),
      (error: unknown) => isHardwareError(error, 'OUT_OF_RANGE') && /temperature/.test(error.message),
    );
  }
});

test('NaN, infinities and overflow are INVALID_VALUE, never passed on', () => {
  for (const [raw, transform] of [
    [Number.NaN, {}],
    [Number.POSITIVE_INFINITY, {}],
    [Number.NEGATIVE_INFINITY, { min: 0 }],
    [1e308, { scale: 1e10 }],
  ] as const) {
    assert.throws(
      () => applyValueTransform(raw, transform),
      (error: unknown) => isHardwareError(error, 'INVALID_VALUE'),
    );
  }
});

test('bad transforms are refused with the field named', () => {
  for (const [transform, field] of [
    [{ scale: 0 }, 'scale'],
    [{ scale: Number.NaN }, 'scale'],
    [{ offset: Number.POSITIVE_INFINITY }, 'offset'],
    [{ min: 5, max: 1 }, 'min'],
    [{ max: '3' as unknown as number }, 'max'],
  ] as const) {
    assert.throws(
      () => validateValueTransform(transform),
      (error: unknown) => isHardwareError(error, 'INVALID_REQUEST') && error.message.includes(field),
    );
  }
});

test.run();
