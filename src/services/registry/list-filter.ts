import { readFilterRestrictions, refuseFilter } from '../common/index.ts';
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

/**
 * Compiles the ListInstances filter: restrictions joined by `AND` (see
 * {@link readFilterRestrictions}), each `field = value` over service, health_state, zone, node
 * and version, or `tags:value`. INVALID_ARGUMENT `INVALID_LIST_OPTION` naming `filter` for
 * anything else.
 */
export function compileInstanceFilter(filter: string): InstancePredicate {
  const tests = readFilterRestrictions(filter, MAX_FILTER_LENGTH).map(({ field, operator, value }) =>
    restriction(field, operator === ':', value),
  );
  return (instance) => tests.every((test) => test(instance));
}

function restriction(field: string, has: boolean, value: string): InstancePredicate {
  if (field === 'tags') {
    if (!has) refuseFilter('tags are matched with tags:"value"');
    return (instance) => instance.tags.includes(value);
  }
  if (has || !(EQUALITY_FIELDS as readonly string[]).includes(field)) {
    refuseFilter(`"${field}" cannot be filtered; use ${EQUALITY_FIELDS.join(', ')} with = or tags:`);
  }
  if (field === 'health_state') {
    const state = HEALTH_NAMES[value];
    if (state === undefined) refuseFilter(`health_state is one of ${Object.keys(HEALTH_NAMES).join(', ')}`);
    return (instance) => instance.healthState === state;
  }
  const key = field as Exclude<(typeof EQUALITY_FIELDS)[number], 'health_state'>;
  return (instance) => instance[key] === value;
}
