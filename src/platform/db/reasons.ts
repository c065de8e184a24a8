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
  /**
   * A value cannot be stored as sent: text PostgreSQL refuses (a NUL character), a string longer
   * than its column, a number out of the column's range. The client's data, so INVALID_ARGUMENT.
   */
  UNSTORABLE_VALUE: 'UNSTORABLE_VALUE',
  /** The database rejected what hcs sent for another reason: a bug in hcs. */
  DATABASE_ERROR: 'DATABASE_ERROR',
  /** The database has migrations this build does not know: it was migrated by a newer hcs. */
  DATABASE_NEWER_THAN_CODE: 'DATABASE_NEWER_THAN_CODE',
  /** The database lacks migrations this build ships, and this process may not apply them. */
  DATABASE_MIGRATIONS_PENDING: 'DATABASE_MIGRATIONS_PENDING',
} as const;
