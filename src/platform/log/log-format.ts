/** How log lines are written: `json`, one object per line, or `pretty`, for a person. */
export type LogFormat = 'json' | 'pretty';

/** What {@link chooseLogFormat} decides on. */
export interface LogFormatFacts {
  /** `HCS_ENV`. */
  env: 'development' | 'production' | 'test';
  /** Whether the lines go to a terminal. */
  isTTY: boolean;
}

/**
 * `pretty` only for a person at a terminal in development; `json` everywhere else — in
 * production, in tests, into a pipe or a file — where a program reads the lines.
 */
export function chooseLogFormat(facts: LogFormatFacts): LogFormat {
  return facts.env === 'development' && facts.isTTY ? 'pretty' : 'json';
}
