export { createLogger, type Logger, type LoggerOptions } from './create-logger.ts';
export { chooseLogFormat, type LogFormat, type LogFormatFacts } from './log-format.ts';
export { formatNotice, printNotice } from './notice.ts';
export { createProcessLogger, type ProcessLoggerOptions } from './process-logger.ts';
export { REDACT_PATHS, REDACTED } from './redaction.ts';
