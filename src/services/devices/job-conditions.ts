import type { ComparisonName, StoredCondition } from './job.entity.ts';
import type { StoredValue } from './typed-value.ts';

/** Comparisons that need numbers on both sides. */
export const ORDER_COMPARISONS: readonly ComparisonName[] = ['lt', 'le', 'gt', 'ge'];

const SYMBOLS: Record<ComparisonName, string> = { eq: '=', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };

/**
 * Whether `reading <op> value` holds. Numbers (int64, double) compare numerically, exactly when
 * both are int64; other values are equal when their type and stored text are; an order
 * comparison of non-numbers never holds (creation refuses it).
 */
export function conditionHolds(reading: StoredValue, op: ComparisonName, value: StoredValue): boolean {
  const numeric = isNumber(reading) && isNumber(value);
  let order: number;
  if (numeric) {
    order =
      reading.type === 'int64' && value.type === 'int64'
        ? Math.sign(Number(BigInt(reading.value) - BigInt(value.value)))
        : Math.sign(Number(reading.value) - Number(value.value));
    if (Number.isNaN(order)) return op === 'ne';
  } else {
    if (ORDER_COMPARISONS.includes(op)) return false;
    order = reading.type === value.type && String(reading.value) === String(value.value) ? 0 : 1;
  }
  switch (op) {
    case 'eq':
      return order === 0;
    case 'ne':
      return order !== 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
  }
}

/** The condition as people read it, e.g. `temperature of devices/th-1 > 25`. */
export function describeCondition(device: string, condition: StoredCondition): string {
  return `${condition.resource} of devices/${device} ${SYMBOLS[condition.op]} ${JSON.stringify(condition.value.value)}`;
}

/** Whether a value is an int64 or a double. */
export function isNumber(value: { type: string }): boolean {
  return value.type === 'int64' || value.type === 'double';
}
