import {
  ComponentState as ComponentStateMessage,
  type ComponentStatus as ComponentStatusMessage,
  type HostInfo as HostInfoMessage,
  type SystemServiceService,
} from '../../gen/hcs/v1/system.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { durationFromMs } from '../common/index.ts';
import {
  type ComponentState,
  type ComponentStatus,
  collectHostInfo,
  type HostInfo,
  type HostInfoSources,
} from './host-info.ts';

/** The host information RPC of SystemService. */
export type HostInfoProcedures = Pick<ServiceImplementation<typeof SystemServiceService>, 'getHostInfo'>;

const STATES: Record<ComponentState, ComponentStateMessage> = {
  unknown: ComponentStateMessage.COMPONENT_STATE_UNKNOWN,
  up: ComponentStateMessage.COMPONENT_STATE_UP,
  degraded: ComponentStateMessage.COMPONENT_STATE_DEGRADED,
  down: ComponentStateMessage.COMPONENT_STATE_DOWN,
};

/** GetHostInfo over {@link collectHostInfo}. */
export function hostInfoProcedures(sources: HostInfoSources): HostInfoProcedures {
  return {
    async getHostInfo() {
      return { hostInfo: hostInfoToMessage(await collectHostInfo(sources)) };
    },
  };
}

/** The proto `HostInfo` of the collected facts. */
export function hostInfoToMessage(info: HostInfo): HostInfoMessage {
  return {
    hostname: info.hostname,
    os: info.os,
    osVersion: info.osVersion,
    kernelRelease: info.kernelRelease,
    arch: info.arch,
    cpuCount: info.cpuCount,
    cpuModel: info.cpuModel,
    memoryTotalBytes: String(info.memoryTotalBytes),
    memoryAvailableBytes: String(info.memoryAvailableBytes),
    processMemoryBytes: String(info.processMemoryBytes),
    uptime: durationFromMs(info.uptimeMs),
    processUptime: durationFromMs(info.processUptimeMs),
    loadAverage1m: info.loadAverage[0],
    loadAverage5m: info.loadAverage[1],
    loadAverage15m: info.loadAverage[2],
    nodeVersion: info.nodeVersion,
    hcsVersion: info.hcsVersion,
    dataDisk: {
      path: info.dataDisk.path,
      totalBytes: String(info.dataDisk.totalBytes),
      usedBytes: String(info.dataDisk.usedBytes),
      availableBytes: String(info.dataDisk.availableBytes),
    },
    collectTime: info.collectTime,
    database: componentToMessage(info.database),
    cache: componentToMessage(info.cache),
    adapters: info.adapters.map(componentToMessage),
    adaptersState: STATES[info.adaptersState],
    processUid: info.processUid,
  };
}

function componentToMessage(status: ComponentStatus): ComponentStatusMessage {
  return { kind: status.kind, state: STATES[status.state], detail: status.detail };
}
