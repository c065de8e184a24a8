import { ExecutionSchema } from './command-execution.entity.ts';
import { DeviceSchema } from './device.entity.ts';
import { JobSchema } from './job.entity.ts';
import { ProfileSchema } from './profile.entity.ts';

/** The device service's tables. */
export const DEVICE_ENTITIES = [ProfileSchema, DeviceSchema, ExecutionSchema, JobSchema];
