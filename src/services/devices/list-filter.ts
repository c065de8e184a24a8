import { readFilterRestrictions, refuseFilter } from '../common/index.ts';

const MAX_FILTER_LENGTH = 2048;

/** How one filterable field becomes a column condition: its column, and its value mapping. */
export interface FilterField {
  column: string;
  /** Maps the filter's value (e.g. an enum name) to the stored one; undefined refuses it. */
  value?: (text: string) => string | undefined;
}

/**
 * A filterable field the database does not hold (state observed in memory): maps the filter's
 * value to a test of a row; undefined refuses the value.
 */
export type LiveFilterField<T> = (text: string) => ((row: T) => boolean) | undefined;

/** A compiled filter: the database condition, and the in-memory test of `liveFields`, if any. */
export interface CompiledFilter<T> {
  where: Record<string, unknown>;
  /** Undefined when the filter names no live field. */
  matches: ((row: T) => boolean) | undefined;
}

/**
 * Compiles the subset of AIP-160 the device lists evaluate in the database: `field = value`
 * restrictions joined by `AND`, over `fields` and `labels.<key>`. INVALID_ARGUMENT
 * `INVALID_LIST_OPTION` naming `filter` for anything else, so no filter is silently ignored.
 */
export function compileEqualityFilter(
  filter: string,
  fields: Readonly<Record<string, FilterField>>,
): Record<string, unknown> {
  return compileFilter<never>(filter, fields, {}).where;
}

/**
 * {@link compileEqualityFilter} with `liveFields` besides, evaluated on each row the database
 * condition selects (see `findMatchingKeysetPage`).
 */
export function compileFilter<T>(
  filter: string,
  fields: Readonly<Record<string, FilterField>>,
  liveFields: Readonly<Record<string, LiveFilterField<T>>>,
): CompiledFilter<T> {
  const where: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const tests: ((row: T) => boolean)[] = [];
  for (const { field, operator, value } of readFilterRestrictions(filter, MAX_FILTER_LENGTH)) {
    if (operator !== '=') refuseFilter(`${field} is matched with ${field} = value`);
    const live = Object.hasOwn(liveFields, field) ? liveFields[field] : undefined;
    if (field.startsWith('labels.')) labels[field.slice('labels.'.length)] = value;
    else if (live !== undefined) {
      const check = live(value);
      if (check === undefined) refuseFilter(`"${value.slice(0, 40)}" is not a value of ${field}`);
      tests.push(check);
    } else {
      const spec = Object.hasOwn(fields, field) ? fields[field] : undefined;
      if (spec === undefined) {
        const names = [...Object.keys(fields), ...Object.keys(liveFields), 'labels.<key>'];
        refuseFilter(`"${field}" cannot be filtered; use ${names.join(', ')}`);
      }
      const stored = spec.value === undefined ? value : spec.value(value);
      if (stored === undefined) refuseFilter(`"${value.slice(0, 40)}" is not a value of ${field}`);
      where[spec.column] = stored;
    }
  }
  if (Object.keys(labels).length > 0) where.labels = labels;
  return { where, matches: tests.length === 0 ? undefined : (row) => tests.every((check) => check(row)) };
}

/** Refuses an `order_by` other than the default order, which is the only one keyset paging serves. */
export function assertDefaultOrder(orderBy: string, allowed: readonly string[]): void {
  const normalized = orderBy.trim().replace(/\s+/g, ' ');
  if (normalized !== '' && !allowed.includes(normalized)) {
    refuseFilter(
      `order_by "${orderBy.slice(0, 40)}" is not supported; use ${allowed.join(' or ')}`,
      'order_by',
    );
  }
}
