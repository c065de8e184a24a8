import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import type { InstanceView } from './instance-view.ts';

/** The kinds of change the history records (proto `hcs.v1.InstanceEventType`, lower case). */
export const CHANGE_TYPES = ['added', 'modified', 'removed'] as const;
/** One of {@link CHANGE_TYPES}. */
export type ChangeType = (typeof CHANGE_TYPES)[number];

/**
 * One entry of the registry's change history (`registry_changes`), the record watchers replay
 * and every replica's in-process view is built from. `revision` is the resume position:
 * writers insert changes under one database-wide lock, so revisions commit in increasing
 * order and a reader that has seen revision N has seen every change before it. `instance` is
 * the instance's whole state after the change (its last state for `removed`). Old entries are
 * pruned beyond the history size.
 */
export const ChangeSchema = defineEntity({
  name: 'RegistryChange',
  tableName: 'registry_changes',
  properties: {
    revision: p.integer().primary().autoincrement(),
    type: p.enum(CHANGE_TYPES),
    name: p.string().length(255),
    /** Why it happened, for people: `registered`, `lease expired`, … */
    reason: p.string().length(1024).default(''),
    /** `deregistered` or `lease_expired` for `removed`; `''` otherwise. */
    removalReason: p.string().length(32).default(''),
    instance: p.json<InstanceView>(),
    /** The health and tags before the change, so a filtered watcher sees an instance leave its filter. */
    previous: p.json<PreviousState>().nullable(),
    time: p.datetime(3),
  },
});

/** What a filter may select on, before a change; null for `added`. */
export type PreviousState = Pick<InstanceView, 'healthState' | 'tags'>;

/** A change history row. */
export type Change = InferEntity<typeof ChangeSchema>;
