import { CommandRunSchema } from './command-run.entity.ts';
import { StoredSettingSchema } from './stored-setting.entity.ts';

/** The tables of the system service. */
export const SYSTEM_ENTITIES = [CommandRunSchema, StoredSettingSchema];
