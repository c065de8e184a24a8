export { createLogger, type Logger, type LoggerOptions } from './create-logger.ts';
export { REDACT_PATHS, REDACTED } from './redaction.ts';
