import os from 'node:os';
import { SystemServiceService } from '../../gen/hcs/v1/system.ts';
import {
  audited,
  auditedStream,
  defineServiceModule,
  type RepeatingTask,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceModule,
  startRepeatingTask,
} from '../common/index.ts';
import { allowedCommandProcedures } from './allowed-command-procedures.ts';
import { type AllowList, loadAllowList } from './allowed-commands.ts';
import { auditLogProcedures } from './audit-log-procedures.ts';
import { commandRunProcedures } from './command-run-procedures.ts';
import { createCommandRuns } from './command-runs.ts';
import { SYSTEM_ENTITIES } from './entities.ts';
import { environmentVariableProcedures } from './environment-variable-procedures.ts';
import { createEnvironmentVariables } from './environment-variables.ts';
import { fileProcedures } from './file-procedures.ts';
import { createFiles, type FilesOptions } from './files.ts';
import { hostInfoProcedures } from './host-info-procedures.ts';
import { settingChangeOf, settingProcedures } from './setting-procedures.ts';
import { createSettings } from './settings.ts';

/** How often ended runs past their retention are deleted. */
const SWEEP_INTERVAL_MS = 3_600_000;

/** Options of the system service that are not configuration: tests set them. */
export interface SystemServiceOptions {
  /** Test hook of the file sandbox (see `FilesOptions.beforeUse`). */
  beforeFileUse?: FilesOptions['beforeUse'];
}

/**
 * Builds `hcs.v1.SystemService`. Methods not built yet pass the policy guard, then answer
 * UNIMPLEMENTED naming themselves. `start` loads the command allow-list: a bad one is a
 * ConfigError, so `hcs serve` exits 2 as for any other configuration problem.
 */
export function createSystemService(
  deps: ServiceDependencies,
  options: SystemServiceOptions = {},
): ServiceInstance<typeof SystemServiceService> {
  const { config } = deps;
  const files = createFiles({
    rootPath: config.systemFiles.root,
    writable: config.systemFiles.writable,
    quotaBytes: config.systemFiles.quotaBytes,
    minFreeBytes: config.systemFiles.minFreeBytes,
    ...(options.beforeFileUse === undefined ? {} : { beforeUse: options.beforeFileUse }),
  });
  let allowList: AllowList | undefined;
  let sweeper: RepeatingTask | undefined;
  const hostInfo = hostInfoProcedures({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    em: deps.em,
    cacheStatus: () => deps.shared.status(),
  });
  const auditLog = auditLogProcedures(deps.em);
  const commands = allowedCommandProcedures(() => allowList);
  const runs = createCommandRuns({
    allowList: () => allowList,
    em: deps.em,
    logger: deps.logger,
    dataDir: config.dataDir,
    maxConcurrentRuns: config.systemMaxConcurrentRuns,
    retentionMs: config.systemCommandRunRetentionMs,
    allowRoot: config.systemCommandsAllowRoot,
    runner: `${os.hostname()}:${config.dataDir}`,
  });
  const runProcedures = commandRunProcedures(runs);
  const settings = createSettings({ config, em: deps.em });
  const settingRpcs = settingProcedures(settings);
  const environment = environmentVariableProcedures(createEnvironmentVariables(config.environment));
  // Reads are audited too: who looked at the host, its commands and its trail is part of the trail.
  const none = { category: 'system', targetOf: () => '' } as const;
  const byName = { category: 'system', targetOf: (request: { name: string }) => request.name } as const;
  return {
    procedures: {
      ...fileProcedures(files, deps.audit),
      getHostInfo: audited(deps.audit, none, hostInfo.getHostInfo),
      listAuditEntries: audited(deps.audit, none, auditLog.listAuditEntries),
      listEnvironmentVariables: audited(
        deps.audit,
        { ...none, detailsOf: (request) => ({ namePrefix: request.namePrefix.slice(0, 256) }) },
        environment.listEnvironmentVariables,
      ),
      listAllowedCommands: audited(deps.audit, none, commands.listAllowedCommands),
      runCommand: audited(
        deps.audit,
        {
          ...byName,
          detailsOf: (request) => ({
            arguments: JSON.stringify(request.arguments),
            requestId: request.requestId,
            wait: String(request.wait),
          }),
        },
        runProcedures.runCommand,
      ),
      getCommandRun: audited(deps.audit, byName, runProcedures.getCommandRun),
      listCommandRuns: audited(deps.audit, none, runProcedures.listCommandRuns),
      cancelCommandRun: audited(deps.audit, byName, runProcedures.cancelCommandRun),
      watchCommandRun: auditedStream(deps.audit, byName, runProcedures.watchCommandRun),
      listSettings: audited(deps.audit, none, settingRpcs.listSettings),
      getSetting: audited(deps.audit, byName, settingRpcs.getSetting),
      updateSetting: audited(
        deps.audit,
        {
          category: 'system',
          targetOf: (request) => request.setting?.name ?? '',
          detailsOf: (request) => settingChangeOf(request),
        },
        settingRpcs.updateSetting,
      ),
    },
    async start() {
      allowList =
        config.systemCommandsFile === undefined ? undefined : await loadAllowList(config.systemCommandsFile);
      if (allowList !== undefined) {
        deps.logger.info({ commands: allowList.commands.length }, 'command allow-list loaded');
      }
      await runs.open();
      sweeper = startRepeatingTask({
        intervalMs: SWEEP_INTERVAL_MS,
        run: () => runs.sweep(),
        onError: (error) => deps.logger.warn({ err: error }, 'command run sweep failed'),
      });
    },
    async close() {
      // Live runs go on (an update may be restarting hcs itself); the next start marks them.
      await sweeper?.stop();
    },
  };
}

/** The system service module with options that are not configuration (tests). */
export function systemServiceWith(options: SystemServiceOptions): ServiceModule {
  return defineServiceModule({
    name: 'system',
    definition: SystemServiceService,
    entities: SYSTEM_ENTITIES,
    create: (deps) => createSystemService(deps, options),
  });
}

/** `hcs.v1.SystemService` as `hcs serve` runs it. */
export const systemService: ServiceModule = systemServiceWith({});
