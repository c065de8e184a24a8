/** Reasons raised by the persistence layer. */
export const DbReason = {
  /** A row that was asked for does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** A row with the same unique key already exists. */
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  /** A write referred to a row that does not exist, or deleted one that is still referred to. */
  REFERENCED_ROW_MISSING: 'REFERENCED_ROW_MISSING',
  /** The database could not be reached, or was too busy to answer (lock timeout, deadlock). */
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  /** The database rejected what hcs sent for another reason: a bug in hcs. */
  DATABASE_ERROR: 'DATABASE_ERROR',
  /** The database has migrations this build does not know: it was migrated by a newer hcs. */
  DATABASE_NEWER_THAN_CODE: 'DATABASE_NEWER_THAN_CODE',
} as const;
