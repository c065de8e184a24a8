import { invalidField } from '../../platform/errors/index.ts';
import { ListReason } from '../common/index.ts';
import type { InstanceView } from './instance-view.ts';

/** A compiled ListInstances filter. */
export type InstancePredicate = (instance: InstanceView) => boolean;

const HEALTH_NAMES: Record<string, InstanceView['healthState']> = {
  HEALTH_STATE_HEALTHY: 'healthy',
  HEALTH_STATE_UNHEALTHY: 'unhealthy',
  HEALTH_STATE_DRAINING: 'draining',
};
const EQUALITY_FIELDS = ['service', 'health_state', 'zone', 'node', 'version'] as const;
const MAX_FILTER_LENGTH = 2048;
// One restriction: `field = value` or `tags:value`, value quoted ("…" with \" and \\) or bare.
const RESTRICTION = /^\s*([a-z_]+)\s*(=|:)\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9._:/-]+)\s*/;

/**
 * Compiles the subset of AIP-160 ListInstances documents: restrictions joined by `AND`, each
 * `field = value` over service, health_state, zone, node and version, or `tags:value`.
 * Hand-written because that subset is one regular expression; a full AIP-160 parser would
 * accept expressions (OR, NOT, functions) the list could not evaluate anyway.
 * INVALID_ARGUMENT `INVALID_LIST_OPTION` naming `filter` for anything else.
 */
export function compileInstanceFilter(filter: string): InstancePredicate {
  if (filter.length > MAX_FILTER_LENGTH) refuse(`filter is longer than ${MAX_FILTER_LENGTH} characters`);
  const tests: InstancePredicate[] = [];
  let rest = filter.trim();
  while (rest !== '') {
    const match = RESTRICTION.exec(rest);
    if (match === null) refuse(`cannot read the filter at "${rest.slice(0, 40)}"`);
    const [whole, field = '', operator, raw = ''] = match;
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    tests.push(restriction(field, operator === ':', value));
    rest = rest.slice(whole.length);
    if (rest === '') break;
    if (!rest.startsWith('AND ')) refuse(`restrictions are joined by AND, found "${rest.slice(0, 40)}"`);
    rest = rest.slice(4);
  }
  return (instance) => tests.every((test) => test(instance));
}

function restriction(field: string, has: boolean, value: string): InstancePredicate {
  if (field === 'tags') {
    if (!has) refuse('tags are matched with tags:"value"');
    return (instance) => instance.tags.includes(value);
  }
  if (has || !(EQUALITY_FIELDS as readonly string[]).includes(field)) {
    refuse(`"${field}" cannot be filtered; use ${EQUALITY_FIELDS.join(', ')} with = or tags:`);
  }
  if (field === 'health_state') {
    const state = HEALTH_NAMES[value];
    if (state === undefined) refuse(`health_state is one of ${Object.keys(HEALTH_NAMES).join(', ')}`);
    return (instance) => instance.healthState === state;
  }
  const key = field as Exclude<(typeof EQUALITY_FIELDS)[number], 'health_state'>;
  return (instance) => instance[key] === value;
}

function refuse(message: string): never {
  throw invalidField(ListReason.INVALID_LIST_OPTION, 'filter', message);
}
