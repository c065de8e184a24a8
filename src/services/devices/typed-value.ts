import type { TypedValue } from '../../gen/hcs/v1/devices.ts';

/** The scalar types of resources, parameters and readings (proto `hcs.v1.ValueType`, lower case). */
export const VALUE_TYPES = ['int64', 'double', 'bool', 'string', 'bytes'] as const;
/** One of {@link VALUE_TYPES}. */
export type ValueTypeName = (typeof VALUE_TYPES)[number];

/**
 * A typed value as stored and handled by the service: int64 as a decimal string (exact), double
 * as a number (or `NaN`/`Infinity`/`-Infinity` strings, which JSON cannot hold), bytes as base64.
 */
export type StoredValue =
  | { type: 'int64'; value: string }
  | { type: 'double'; value: number | string }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'bytes'; value: string };

/** One reading as stored on an execution and kept as the latest value. */
export interface StoredReading {
  resource: string;
  value: StoredValue;
  units: string;
  /** ISO 8601 instant. */
  readTime: string;
}

/** The type a proto TypedValue carries, or undefined when none of its fields is set. */
export function typeOfTypedValue(value: TypedValue): ValueTypeName | undefined {
  if (value.intValue !== undefined) return 'int64';
  if (value.doubleValue !== undefined) return 'double';
  if (value.boolValue !== undefined) return 'bool';
  if (value.stringValue !== undefined) return 'string';
  if (value.bytesValue !== undefined) return 'bytes';
  return undefined;
}

/** A proto TypedValue as a stored value; undefined when it has no field set. */
export function storedFromTypedValue(value: TypedValue): StoredValue | undefined {
  if (value.intValue !== undefined) return { type: 'int64', value: BigInt(value.intValue).toString() };
  if (value.doubleValue !== undefined) return { type: 'double', value: doubleToStored(value.doubleValue) };
  if (value.boolValue !== undefined) return { type: 'bool', value: value.boolValue };
  if (value.stringValue !== undefined) return { type: 'string', value: value.stringValue };
  if (value.bytesValue !== undefined) {
    return { type: 'bytes', value: Buffer.from(value.bytesValue).toString('base64') };
  }
  return undefined;
}

/** A stored value as a proto TypedValue. */
export function typedValueFromStored(value: StoredValue): TypedValue {
  switch (value.type) {
    case 'int64':
      return { intValue: value.value };
    case 'double':
      return { doubleValue: Number(value.value) };
    case 'bool':
      return { boolValue: value.value };
    case 'string':
      return { stringValue: value.value };
    case 'bytes':
      return { bytesValue: Buffer.from(value.value, 'base64') };
  }
}

/** A double in stored form: non-finite values as their names, since JSON columns cannot hold them. */
export function doubleToStored(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** The numeric value of an int64 or double, for range checks; undefined for other types. */
export function numericOf(value: StoredValue): number | undefined {
  if (value.type === 'int64') return Number(value.value);
  if (value.type === 'double') return Number(value.value);
  return undefined;
}

/**
 * Converts a plain JSON value (a REST caller's `json_parameters` entry, or a profile
 * document's `default`) to `type`; undefined when it does not convert exactly.
 */
export function storedFromJson(json: unknown, type: ValueTypeName): StoredValue | undefined {
  switch (type) {
    case 'int64': {
      const text = typeof json === 'number' ? (Number.isSafeInteger(json) ? String(json) : '') : json;
      if (typeof text !== 'string' || !/^[+-]?\d{1,19}$/.test(text.trim())) return undefined;
      const value = BigInt(text.trim());
      if (value > 9223372036854775807n || value < -9223372036854775808n) return undefined;
      return { type, value: value.toString() };
    }
    case 'double': {
      if (typeof json === 'number') return { type, value: json };
      if (typeof json !== 'string' || json.trim() === '') return undefined;
      const value = Number(json);
      return Number.isNaN(value) && json !== 'NaN' ? undefined : { type, value: doubleToStored(value) };
    }
    case 'bool':
      return typeof json === 'boolean' ? { type, value: json } : undefined;
    case 'string':
      return typeof json === 'string' ? { type, value: json } : undefined;
    case 'bytes':
      return typeof json === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(json)
        ? { type, value: Buffer.from(json, 'base64').toString('base64') }
        : undefined;
  }
}

/** A stored value as plain JSON, for audit details and profile documents. */
export function jsonOfStored(value: StoredValue): string | number | boolean {
  return value.value;
}
