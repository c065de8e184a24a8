export {
  type AuditEntryQuery,
  auditCategoryFilter,
  auditEntryToMessage,
  auditOutcomeFilter,
  DEFAULT_AUDIT_PAGE_SIZE,
  listAuditEntries,
} from './audit-entries.ts';
export {
  type AuditCategory,
  type AuditedOptions,
  type AuditOutcomeRecord,
  auditCall,
  audited,
  auditedStream,
  auditFailure,
  auditRecordOf,
} from './audited.ts';
export { type CallFacts, callFactsOf, clientAddressOf, localCallFacts } from './call-facts.ts';
export { type FilterRestriction, readFilterRestrictions, refuseFilter } from './filter-restrictions.ts';
export {
  DEFAULT_PAGE_SIZE,
  findKeysetPage,
  findMatchingKeysetPage,
  type KeysetOrder,
  type KeysetPage,
  ListReason,
  MAX_PAGE_SIZE,
  pageSizeOf,
} from './keyset-page.ts';
export { durationFromMs, msFromDuration } from './proto-duration.ts';
export {
  createReadingHandOff,
  type NumericReading,
  type ReadingConsumer,
  type ReadingHandOff,
  type ReadingHandOffOptions,
} from './reading-hand-off.ts';
export { type RepeatingTask, type RepeatingTaskOptions, startRepeatingTask } from './repeating-task.ts';
export {
  type Authentication,
  defineServiceModule,
  replaceProcedures,
  type ServiceDependencies,
  type ServiceInstance,
  type ServiceModule,
} from './service-module.ts';
