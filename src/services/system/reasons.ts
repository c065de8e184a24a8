/** Reasons raised by the system service. A client may branch on them; they never change. */
export const SystemReason = {
  // Commands and their runs.
  /** No allow-list is configured (HCS_SYSTEM_COMMANDS_FILE), so no command can run. */
  COMMANDS_DISABLED: 'COMMANDS_DISABLED',
  /** The command is not on the allow-list. */
  COMMAND_NOT_ALLOWED: 'COMMAND_NOT_ALLOWED',
  /** hcs runs as root and HCS_SYSTEM_COMMANDS_ALLOW_ROOT is not true. */
  RUNS_AS_ROOT: 'RUNS_AS_ROOT',
  /** A `name` is not `allowedCommands/{id}` or `commandRuns/{id}` as the field requires. */
  INVALID_NAME: 'INVALID_NAME',
  /** An argument is unknown, missing, or violates its parameter's type, range or pattern. */
  INVALID_COMMAND_ARGUMENT: 'INVALID_COMMAND_ARGUMENT',
  /** A `timeout` is zero or negative. */
  INVALID_TIMEOUT: 'INVALID_TIMEOUT',
  /** A `request_id` is longer than 128 characters or has characters outside [A-Za-z0-9._:-]. */
  INVALID_REQUEST_ID: 'INVALID_REQUEST_ID',
  /** The executable changed since the allow-list was loaded: its mode, or its pinned SHA-256. */
  EXECUTABLE_UNSAFE: 'EXECUTABLE_UNSAFE',
  /** HCS_SYSTEM_MAX_CONCURRENT_RUNS runs are already running. */
  TOO_MANY_RUNS: 'TOO_MANY_RUNS',
  /** No run has this name (or its retention passed). */
  RUN_NOT_FOUND: 'RUN_NOT_FOUND',
  /** The run has already ended, so it cannot be cancelled. */
  RUN_ENDED: 'RUN_ENDED',
  /** The run is running, but in another hcs process (replica), which alone can cancel it. */
  RUN_ELSEWHERE: 'RUN_ELSEWHERE',
  // Settings.
  /** No setting has this name. */
  SETTING_NOT_FOUND: 'SETTING_NOT_FOUND',
  /**
   * The setting cannot be changed through the API (the database, the data directory, keys,
   * secrets, listen addresses and ports, security boundaries): only its variable sets it.
   */
  SETTING_NOT_CHANGEABLE: 'SETTING_NOT_CHANGEABLE',
  /** The environment or the .env file sets the setting, so a stored value would never apply. */
  SETTING_SET_BY_ENVIRONMENT: 'SETTING_SET_BY_ENVIRONMENT',
  /** The value is not one the setting accepts; the message names the setting and why. */
  INVALID_SETTING_VALUE: 'INVALID_SETTING_VALUE',
  /** `update_mask` names an unknown field, or not "value", the only one UpdateSetting changes. */
  INVALID_UPDATE_MASK: 'INVALID_UPDATE_MASK',
  /** The value is the mask "********", written back from a read: never stored. */
  MASKED_VALUE: 'MASKED_VALUE',
  /** The setting's etag differs from the one sent: someone changed it since it was read. */
  ETAG_MISMATCH: 'ETAG_MISMATCH',
} as const;

/** Reasons raised by the file sandbox of the system service. A client may branch on them; they never change. */
export const FileReason = {
  /**
   * A path is not a plain sandbox-relative path: absolute, empty or `.`/`..` segments, a
   * backslash, a control character or NUL, a percent-encoded separator or dot, or too long.
   */
  INVALID_FILE_PATH: 'INVALID_FILE_PATH',
  /** A symbolic link on the path leads out of the sandbox root. */
  FILE_PATH_ESCAPES: 'FILE_PATH_ESCAPES',
  /** The host's own permissions keep the server from this entry (EACCES, EPERM). */
  FILE_ACCESS_DENIED: 'FILE_ACCESS_DENIED',
  /** Nothing exists at the path (or at its parent). */
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  /** Something already exists at the path and the call may not replace it. */
  FILE_ALREADY_EXISTS: 'FILE_ALREADY_EXISTS',
  /** The entry is of the wrong kind: a directory where a file is needed, or the reverse. */
  FILE_TYPE_MISMATCH: 'FILE_TYPE_MISMATCH',
  /** The entry is a FIFO, socket or device file: never opened, read or written. */
  SPECIAL_FILE_REFUSED: 'SPECIAL_FILE_REFUSED',
  /** A directory to delete is not empty and `recursive` is false. */
  DIRECTORY_NOT_EMPTY: 'DIRECTORY_NOT_EMPTY',
  /** The entry's etag differs from `expected_etag`: someone changed it since it was read. */
  ETAG_MISMATCH: 'ETAG_MISMATCH',
  /**
   * What was opened is not what the path named a moment before (it was replaced, or a
   * directory on the way was swapped for a link): refused; retry the call.
   */
  FILE_CHANGED_DURING_ACCESS: 'FILE_CHANGED_DURING_ACCESS',
  /** The server does not allow file changes: set HCS_SYSTEM_FS_WRITE=true to enable them. */
  FILE_WRITES_DISABLED: 'FILE_WRITES_DISABLED',
  /** The write would take the sandbox past its quota, or the disk below its free-space reserve. */
  FILE_QUOTA_EXCEEDED: 'FILE_QUOTA_EXCEEDED',
  /** The number of bytes received differs from `expected_size_bytes`. */
  FILE_SIZE_MISMATCH: 'FILE_SIZE_MISMATCH',
  /** A WriteFile stream broke the message rules (no path first, options changed midway, chunk too big). */
  INVALID_WRITE_STREAM: 'INVALID_WRITE_STREAM',
  /** The sandbox root itself cannot be deleted or moved, and a directory cannot move into itself. */
  INVALID_FILE_OPERATION: 'INVALID_FILE_OPERATION',
  /** The requested byte range starts past the end of the file (HTTP 416). */
  RANGE_NOT_SATISFIABLE: 'RANGE_NOT_SATISFIABLE',
} as const;
