import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A setting value stored through UpdateSetting (`stored_settings`), keyed by its variable
 * (`HCS_LOG_LEVEL`). `hcs serve` reads every row at start and applies each below the
 * environment and the `.env` file; the running process never changes with a row. Clearing a
 * value deletes its row. `revision` counts the changes of one setting: its etag.
 */
export const StoredSettingSchema = defineEntity({
  name: 'StoredSetting',
  tableName: 'stored_settings',
  properties: {
    variable: p.string().length(64).primary(),
    /** The text as the variable would hold it, validated with the config schema when stored. */
    value: p.text(),
    /** The principal that stored it, e.g. `users/admin`. */
    updatedBy: p.string().length(255),
    updateTime: p.datetime(3),
    revision: p.integer().default(1),
  },
});

/** A stored setting row. */
export type StoredSetting = InferEntity<typeof StoredSettingSchema>;
