import type { EntityManager } from '@mikro-orm/core';
import { HardwareError, HardwareErrorKind } from '../../hardware/index.ts';
import { invalidField } from '../../platform/errors/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { sendCommand } from './command-io.ts';
import { type Device, DeviceSchema } from './device.entity.ts';
import type { DeviceHardware } from './device-hardware.ts';
import { type Profile, ProfileSchema } from './profile.entity.ts';
import { DeviceReason } from './reasons.ts';
import type { StoredReading } from './typed-value.ts';

/** Shortest polling interval a device may ask for. */
export const MIN_POLL_INTERVAL_MS = 100;
const POLL_TIMEOUT_MS = 5_000;

/**
 * The polling schedule a device asks for in its `protocol_properties`: `poll_command` (a READ
 * command of its profile that needs no parameters) every `poll_interval` (`500ms`, `2s`,
 * `1m`); undefined when it sets neither. INVALID_ARGUMENT `INVALID_DEVICE` naming the
 * property when the pair is incomplete or does not fit the profile.
 */
export function pollScheduleOf(
  properties: Readonly<Record<string, string>>,
  profile: Pick<Profile, 'id' | 'body'>,
  field = 'device.protocol_properties',
): { command: string; intervalMs: number } | undefined {
  const command = properties.poll_command;
  const interval = properties.poll_interval;
  if (command === undefined && interval === undefined) return undefined;
  const bad = (key: string, message: string): never => {
    throw invalidField(DeviceReason.INVALID_DEVICE, `${field}.${key}`, message);
  };
  if (command === undefined) return bad('poll_command', 'poll_command is required with poll_interval');
  const spec = profile.body.commands.find((candidate) => candidate.name === command);
  if (
    spec === undefined ||
    spec.kind !== 'read' ||
    spec.parameters.some((p) => p.required && p.default === undefined)
  ) {
    return bad(
      'poll_command',
      `poll_command must name a READ command of deviceProfiles/${profile.id} that needs no parameters`,
    );
  }
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(interval ?? '');
  const intervalMs =
    match === null
      ? Number.NaN
      : Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
  if (!(intervalMs >= MIN_POLL_INTERVAL_MS && intervalMs <= 86_400_000)) {
    return bad(
      'poll_interval',
      `poll_interval must be a duration such as 500ms, 2s or 1m, from ${MIN_POLL_INTERVAL_MS}ms to 24h`,
    );
  }
  return { command, intervalMs };
}

/**
 * Polls devices that ask for it (see {@link pollScheduleOf}) and reports each poll's readings.
 * Polls go through the runtime's per-device queue, between commands, never overlapping; a
 * failed poll is counted by the runtime's health and otherwise skipped.
 */
export function createDevicePolling(options: {
  em: () => EntityManager;
  hardware: DeviceHardware;
  logger: Logger;
  onReadings: (device: Device, readings: StoredReading[]) => void;
}) {
  const schedules = new Map<string, { key: string; timer: NodeJS.Timeout; controller: AbortController }>();
  let stopped = false;

  const stopOne = (id: string) => {
    const schedule = schedules.get(id);
    if (schedule === undefined) return;
    clearTimeout(schedule.timer);
    schedule.controller.abort();
    schedules.delete(id);
  };

  const start = (device: Device, profile: Profile, schedule: { command: string; intervalMs: number }) => {
    const controller = new AbortController();
    const spec = profile.body.commands.find((command) => command.name === schedule.command);
    if (spec === undefined) return;
    const parameters = Object.fromEntries(
      spec.parameters.flatMap((p) => (p.default ? [[p.name, p.default]] : [])),
    );
    const prepared = {
      command: spec,
      parameters,
      resources: new Map(profile.body.resources.map((r) => [r.name, r])),
    };
    const entry = { key: keyOf(device, profile), timer: undefined as unknown as NodeJS.Timeout, controller };
    const tick = async () => {
      const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(POLL_TIMEOUT_MS)]);
      try {
        const readings = await sendCommand(
          options.hardware.runtime(),
          { adapter: device.adapter, deviceId: device.address },
          prepared,
          signal,
        );
        if (!controller.signal.aborted) options.onReadings(device, readings);
      } catch (error) {
        if (error instanceof HardwareError && error.kind === HardwareErrorKind.TIMEOUT) {
          // A late reply must not be read as the answer to the next command.
          await options.hardware
            .runtime()
            .closeDevice({ adapter: device.adapter, deviceId: device.address })
            .catch(() => {});
        }
        if (!(error instanceof HardwareError && error.kind === HardwareErrorKind.CANCELLED)) {
          options.logger.debug({ err: error, device: device.id }, 'device poll failed');
        }
      }
      if (!controller.signal.aborted) entry.timer = setTimeout(tick, schedule.intervalMs).unref();
    };
    entry.timer = setTimeout(tick, 0).unref();
    schedules.set(device.id, entry);
  };

  return {
    /** Brings the schedules in line with the stored devices (after start and every device change). */
    async sync(): Promise<void> {
      if (stopped) return;
      const devices = await options.em().find(DeviceSchema, {});
      const profiles = new Map((await options.em().find(ProfileSchema, {})).map((p) => [p.id, p]));
      const wanted = new Set<string>();
      for (const device of devices) {
        const profile = profiles.get(device.profile);
        let schedule: ReturnType<typeof pollScheduleOf>;
        try {
          schedule = profile === undefined ? undefined : pollScheduleOf(device.protocolProperties, profile);
        } catch {
          schedule = undefined; // the profile changed under the device; it polls again once fixed
        }
        if (schedule === undefined || profile === undefined) continue;
        wanted.add(device.id);
        if (schedules.get(device.id)?.key === keyOf(device, profile)) continue;
        stopOne(device.id);
        start(device, profile, schedule);
      }
      for (const id of [...schedules.keys()]) if (!wanted.has(id)) stopOne(id);
    },
    stop(): void {
      stopped = true;
      for (const id of [...schedules.keys()]) stopOne(id);
    },
  };
}

function keyOf(device: Device, profile: Profile): string {
  return JSON.stringify([device.revision, device.address, device.protocolProperties, profile.revision]);
}
