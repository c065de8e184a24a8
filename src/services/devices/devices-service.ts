import { createHash } from 'node:crypto';
import os from 'node:os';
import { DeviceServiceService } from '../../gen/hcs/v1/devices.ts';
import type { Adapter, HardwareEvent } from '../../hardware/index.ts';
import type { CallContext } from '../../transport/rpc/index.ts';
import {
  audited,
  defineServiceModule,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceModule,
} from '../common/index.ts';
import { adapterProcedures } from './adapter-procedures.ts';
import { createAdapters } from './adapters.ts';
import { createCommandExecutions } from './command-executions.ts';
import { commandProcedures } from './command-procedures.ts';
import type { Device } from './device.entity.ts';
import { createDeviceDirectory } from './device-directory.ts';
import { createDeviceEvents } from './device-events.ts';
import { createDeviceHardware, type DeviceHardware } from './device-hardware.ts';
import { createDevicePolling } from './device-polling.ts';
import { deviceProcedures } from './device-procedures.ts';
import { liveStateOf } from './device-state.ts';
import { createDevices } from './devices.ts';
import { DEVICE_ENTITIES } from './entities.ts';
import { eventProcedures } from './event-procedures.ts';
import { adminStateEvent, hardwareEvents, readingsEvent, transitionEvents } from './event-sources.ts';
import { jobProcedures } from './job-procedures.ts';
import { createJobs } from './jobs.ts';
import { createLatestReadings } from './latest-readings.ts';
import { profileProcedures } from './profile-procedures.ts';
import { createProfiles } from './profiles.ts';
import { handingOnReadings } from './recorded-readings.ts';

/** Options of the device service that are not configuration: tests set them. */
export interface DeviceServiceOptions {
  /** The adapters to run instead of the configured ones, e.g. a simulated bench a test controls. */
  adapters?: readonly Adapter[];
  /** Names this node; default `<hostname>:<hash of the data directory>`, stable across restarts. */
  node?: string;
}

/** The device service as it runs, with its hardware (tests inspect it). */
export interface DeviceService extends ServiceInstance<typeof DeviceServiceService> {
  readonly hardware: DeviceHardware;
}

/**
 * Builds `hcs.v1.DeviceService`: adapters through the hardware runtime, profiles (built in,
 * from a folder, through the API), devices, command executions with their per-device queue,
 * and the latest readings, whose numeric values are handed to `deps.readings` (analytics) unless
 * `HCS_DEVICES_RECORD_READINGS` is false. Connects to nothing until `start`.
 */
export function createDeviceService(
  deps: ServiceDependencies,
  options: DeviceServiceOptions = {},
): DeviceService {
  const { config, em, audit, lock, logger, bus } = deps;
  const node =
    options.node ??
    `${os.hostname()}:${createHash('sha256').update(config.dataDir).digest('hex').slice(0, 8)}`;
  const hardware = createDeviceHardware({
    config: config.devices,
    ...(options.adapters === undefined ? {} : { adapters: options.adapters }),
  });
  const directory = createDeviceDirectory({ em, bus, logger });
  const profiles = createProfiles({
    em,
    logger,
    profilesDir: config.devices.profilesDir,
    onChange: (id) => directory.changed('profile', id),
  });
  // Without Redis the bus stays in this process: there is no other replica to tell.
  const events = createDeviceEvents({ bus, logger, shared: config.redisUrl !== undefined });
  const devices = createDevices({
    em,
    hardware,
    onChange: (id) => directory.changed('device', id),
    onAdminStateChange: (before, after) =>
      events.publish(adminStateEvent(before, after, liveOperating(hardware, after))),
  });
  const latestReadings = createLatestReadings();
  const readings = config.devices.recordReadings
    ? handingOnReadings(latestReadings, deps.readings)
    : latestReadings;
  const executions = createCommandExecutions({
    em,
    hardware,
    directory,
    readings,
    audit,
    lock,
    logger,
    node,
    queueDepth: config.devices.queueDepth,
    onTransition: (row) =>
      void directory
        .device(row.device)
        .then((device) => device.labels)
        .catch(() => ({}))
        .then((labels) => {
          for (const event of transitionEvents(row, labels)) events.publish(event);
        }),
  });
  const onHardwareEvent = async (event: HardwareEvent) => {
    const address = event.type === 'health' ? event.deviceId : event.device.id;
    const device = await devices.findByAddress(event.adapter, address).catch(() => null);
    for (const published of hardwareEvents(event, device)) events.publish(published);
  };
  const jobs = createJobs({
    em,
    devices,
    executions,
    readings,
    audit,
    logger,
    node,
    retentionMs: config.devices.jobRetentionMs,
  });
  let unsubscribeHardware: (() => void) | undefined;
  const polling = createDevicePolling({
    em,
    hardware,
    logger,
    onReadings: (device, polled) => {
      readings.record(device.id, polled);
      if (polled.length > 0) events.publish(readingsEvent(device, polled));
    },
  });
  /** Runs a procedure, then brings polling schedules in line with what it changed. */
  const thenSync =
    <Req, Res>(procedure: (request: Req, ctx: CallContext) => Promise<Res>) =>
    async (request: Req, ctx: CallContext): Promise<Res> => {
      const response = await procedure(request, ctx);
      await polling
        .sync()
        .catch((error: unknown) => logger.warn({ err: error }, 'device polling not updated'));
      return response;
    };
  const profileRpcs = profileProcedures(profiles);
  const deviceRpcs = deviceProcedures(devices, hardware);
  const commandRpcs = commandProcedures(executions, devices, readings, em);
  const jobRpcs = jobProcedures(jobs);
  const target = {
    category: 'devices' as const,
    targetOf: (request: unknown) => {
      const { name, deviceId, deviceProfileId, device, deviceProfile } = request as {
        name?: string;
        deviceId?: string;
        deviceProfileId?: string;
        device?: { name?: string };
        deviceProfile?: { name?: string };
      };
      if (deviceId !== undefined) return `devices/${deviceId}`;
      if (deviceProfileId !== undefined) return `deviceProfiles/${deviceProfileId}`;
      return name ?? device?.name ?? deviceProfile?.name ?? '';
    },
  };

  return {
    hardware,
    procedures: {
      ...adapterProcedures(createAdapters({ hardware, em })),
      createDeviceProfile: audited(audit, target, profileRpcs.createDeviceProfile),
      updateDeviceProfile: audited(audit, target, thenSync(profileRpcs.updateDeviceProfile)),
      deleteDeviceProfile: audited(audit, target, profileRpcs.deleteDeviceProfile),
      getDeviceProfile: profileRpcs.getDeviceProfile,
      listDeviceProfiles: profileRpcs.listDeviceProfiles,
      createDevice: audited(audit, target, thenSync(deviceRpcs.createDevice)),
      updateDevice: audited(audit, target, thenSync(deviceRpcs.updateDevice)),
      deleteDevice: audited(audit, target, thenSync(deviceRpcs.deleteDevice)),
      getDevice: deviceRpcs.getDevice,
      listDevices: deviceRpcs.listDevices,
      // Each execution audits its own transitions (queued, running, ended) with its parameters and result.
      ...commandRpcs,
      ...eventProcedures(events),
      // The calls are audited here; a job audits its own transitions (running, ended, interrupted, swept).
      ...jobRpcs,
      createJob: audited(
        audit,
        { ...target, targetOf: (request) => `jobs/${(request as { jobId: string }).jobId}` },
        jobRpcs.createJob,
      ),
      cancelJob: audited(audit, target, jobRpcs.cancelJob),
      resumeJob: audited(audit, target, jobRpcs.resumeJob),
      abandonJob: audited(audit, target, jobRpcs.abandonJob),
      deleteJob: audited(audit, target, jobRpcs.deleteJob),
    },
    async start() {
      await directory.start();
      await profiles.provision();
      await events.start();
      await hardware.start();
      unsubscribeHardware = hardware.runtime().subscribe((event) => void onHardwareEvent(event));
      await jobs.recover();
      await executions.recover();
      await polling.sync();
      await jobs.start();
    },
    async close() {
      unsubscribeHardware?.();
      polling.stop();
      // Jobs stop first (their scheduler writes nothing more), then the executions their steps
      // run, whose journal commits what it still holds before the database closes.
      const jobsStopped = jobs.close();
      await executions.close();
      await jobsStopped;
      await hardware.stop();
      await events.close();
      await directory.close();
    },
  };
}

/** The device service module with options that are not configuration (tests). */
export function deviceServiceWith(options: DeviceServiceOptions): ServiceModule {
  return defineServiceModule({
    name: 'devices',
    definition: DeviceServiceService,
    entities: DEVICE_ENTITIES,
    create: (deps) => createDeviceService(deps, options),
  });
}

/** `hcs.v1.DeviceService` as `hcs serve` runs it. */
export const deviceService: ServiceModule = deviceServiceWith({});

function liveOperating(hardware: DeviceHardware, device: Device): 'up' | 'down' | 'unknown' {
  try {
    return liveStateOf(hardware, device).operating;
  } catch {
    return 'unknown';
  }
}
