import type { HealthStateName } from './instance.entity.ts';
import type { InstanceView } from './instance-view.ts';
import type { ChangeEvent } from './registry-view.ts';

/** What a watcher selects. */
export interface WatchFilter {
  /** Undefined: every service. */
  service: string | undefined;
  tags: readonly string[];
  /** Empty: any state. */
  healthStates: readonly HealthStateName[];
}

/** A key equal for two filters exactly when they select the same changes (order of tags and states aside). */
export function watchFilterKey(filter: WatchFilter): string {
  return JSON.stringify([filter.service ?? null, [...filter.tags].sort(), [...filter.healthStates].sort()]);
}

/**
 * Whether a change is shown: the instance matches now or matched before it, so a watcher of
 * healthy instances sees the one that turned unhealthy leave.
 */
export function selects(
  filter: WatchFilter,
  instance: InstanceView,
  previous: ChangeEvent['previous'],
): boolean {
  if (filter.service !== undefined && instance.service !== filter.service) return false;
  const matches = (state: Pick<InstanceView, 'healthState' | 'tags'>) =>
    filter.tags.every((tag) => state.tags.includes(tag)) &&
    (filter.healthStates.length === 0 || filter.healthStates.includes(state.healthState));
  return matches(instance) || (previous !== undefined && matches(previous));
}
