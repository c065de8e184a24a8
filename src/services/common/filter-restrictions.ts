import { invalidField } from '../../platform/errors/index.ts';
import { ListReason } from './keyset-page.ts';

/** One restriction of a list filter: `field = value` or `field:value`. */
export interface FilterRestriction {
  field: string;
  operator: '=' | ':';
  value: string;
}

// One restriction: a field (`labels.<key>` allowed), `=` or `:`, a value quoted ("…" with \" and
// \\) or bare.
const RESTRICTION = /^\s*([a-z_]+(?:\.[A-Za-z0-9_.-]+)?)\s*(=|:)\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9._:/*-]+)\s*/;

/**
 * Reads the subset of AIP-160 every list of hcs evaluates: restrictions joined by `AND`. Each
 * list decides which fields and operators it serves (see {@link refuseFilter}). Hand-written
 * because the subset is one regular expression; a full AIP-160 parser would accept expressions
 * (OR, NOT, functions) that no list could evaluate. INVALID_ARGUMENT `INVALID_LIST_OPTION`
 * naming `filter` when the text is longer than `maxLength` or is not such a conjunction.
 */
export function readFilterRestrictions(filter: string, maxLength: number): FilterRestriction[] {
  if (filter.length > maxLength) refuseFilter(`filter is longer than ${maxLength} characters`);
  const restrictions: FilterRestriction[] = [];
  let rest = filter.trim();
  while (rest !== '') {
    const match = RESTRICTION.exec(rest);
    if (match === null) refuseFilter(`cannot read the filter at "${rest.slice(0, 40)}"`);
    const [whole, field = '', operator, raw = ''] = match;
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    restrictions.push({ field, operator: operator === ':' ? ':' : '=', value });
    rest = rest.slice(whole.length);
    if (rest === '') break;
    if (!rest.startsWith('AND '))
      refuseFilter(`restrictions are joined by AND, found "${rest.slice(0, 40)}"`);
    rest = rest.slice(4);
  }
  return restrictions;
}

/** INVALID_ARGUMENT `INVALID_LIST_OPTION` naming `field` (by default `filter`). */
export function refuseFilter(message: string, field = 'filter'): never {
  throw invalidField(ListReason.INVALID_LIST_OPTION, field, message);
}
