import { dialectOf } from '../../platform/db/index.ts';
import {
  defineServiceModule,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceModule,
} from '../common/index.ts';
import { ANALYTICS_DEFINITION } from './analytics-definition.ts';
import { createChunkMaintenance } from './chunk-maintenance.ts';
import { createChunkStore } from './chunk-store.ts';
import { createComputations } from './computations.ts';
import { computeProcedures } from './compute-procedures.ts';
import { createDeviceReadingRecorder } from './device-readings.ts';
import { ANALYTICS_ENTITIES } from './entities.ts';
import { exportProcedures } from './export-procedures.ts';
import { ingestProcedures } from './ingest-procedures.ts';
import { createIngestion } from './ingestion.ts';
import { startMaintenanceLoop } from './maintenance-loop.ts';
import { queryProcedures } from './query-procedures.ts';
import { createSeriesCatalog } from './series.ts';
import { seriesProcedures } from './series-procedures.ts';
import { uploadProcedures } from './upload-procedures.ts';
import { createWriteBuffer } from './write-buffer.ts';

/**
 * Builds `hcs.v1.AnalyticsService`: the series catalog, the columnar chunk store behind a
 * group-commit write buffer, and the ingestion, query, upload, export and computation RPCs
 * over them. Records the numeric device readings this node takes (`deps.readings`).
 */
export function createAnalyticsService(
  deps: ServiceDependencies,
): ServiceInstance<typeof ANALYTICS_DEFINITION> {
  const catalog = createSeriesCatalog(deps.em);
  const dialect = dialectOf(deps.config);
  const store = createChunkStore(deps.em, dialect);
  const maintenance = createChunkMaintenance(deps.em, dialect);
  const buffer = createWriteBuffer({ store });
  const ingestion = createIngestion(catalog, buffer);
  const recorder = createDeviceReadingRecorder({
    catalog,
    buffer,
    logger: deps.logger,
    dropped: () => deps.readings.stats().dropped,
  });
  let loop: { stop(): Promise<void> } | undefined;
  let detachReadings: (() => void) | undefined;
  return {
    procedures: {
      ...seriesProcedures(catalog),
      ...ingestProcedures(ingestion),
      ...queryProcedures(catalog, store, maintenance),
      ...uploadProcedures(catalog, ingestion),
      ...exportProcedures(catalog, store),
      ...computeProcedures(createComputations(catalog, store)),
    },
    async start() {
      detachReadings = deps.readings.consume((readings) => recorder.record(readings));
      loop = startMaintenanceLoop({
        maintenance,
        logger: deps.logger,
        defaultRetentionMs: deps.config.analyticsDefaultRetentionMs,
      });
    },
    async close() {
      await deps.readings.drain();
      detachReadings?.();
      await loop?.stop();
      await buffer.drain();
    },
  };
}

/** `hcs.v1.AnalyticsService` as `hcs serve` runs it. */
export const analyticsService: ServiceModule = defineServiceModule({
  name: 'analytics',
  definition: ANALYTICS_DEFINITION,
  entities: ANALYTICS_ENTITIES,
  create: createAnalyticsService,
});
