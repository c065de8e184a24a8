/** Reasons raised by the device service. A client may branch on them; they never change. */
export const DeviceReason = {
  // Names and requests.
  /** A name or id field does not have the form the field requires (`devices/{id}`, an RFC 1123 label). */
  INVALID_NAME: 'INVALID_NAME',
  /** A `timeout` is zero, negative or above its maximum. */
  INVALID_TIMEOUT: 'INVALID_TIMEOUT',
  /** A `request_id` is longer than 128 characters or has characters outside [A-Za-z0-9._:-]. */
  INVALID_REQUEST_ID: 'INVALID_REQUEST_ID',
  /** An `update_mask` names a field the method cannot update. */
  INVALID_UPDATE_MASK: 'INVALID_UPDATE_MASK',
  /** A sent etag is not the stored one: the resource changed since it was read. */
  ETAG_MISMATCH: 'ETAG_MISMATCH',
  // Adapters.
  /** No adapter has this name in this server build or configuration. */
  ADAPTER_NOT_FOUND: 'ADAPTER_NOT_FOUND',
  /** The adapter cannot be used on this host (driver missing, permission denied); see the message. */
  ADAPTER_UNAVAILABLE: 'ADAPTER_UNAVAILABLE',
  // Profiles.
  /** No profile has this name. */
  PROFILE_NOT_FOUND: 'PROFILE_NOT_FOUND',
  /** A profile with this id exists already. */
  PROFILE_EXISTS: 'PROFILE_EXISTS',
  /** A profile is inconsistent (duplicate names, unknown resources, bad ranges, bad attributes). */
  INVALID_PROFILE: 'INVALID_PROFILE',
  /** Built-in profiles ship with the server and cannot be changed or deleted. */
  PROFILE_BUILT_IN: 'PROFILE_BUILT_IN',
  /** The profile is used by devices, so it cannot be deleted. */
  PROFILE_IN_USE: 'PROFILE_IN_USE',
  /** A profile document in HCS_DEVICES_PROFILES_DIR could not be read or is invalid. */
  PROFILE_FILE_INVALID: 'PROFILE_FILE_INVALID',
  // Devices.
  /** No device has this name. */
  DEVICE_NOT_FOUND: 'DEVICE_NOT_FOUND',
  /** A queued or running job still has a step on the device. */
  DEVICE_IN_USE: 'DEVICE_IN_USE',
  /** A device with this id exists already. */
  DEVICE_EXISTS: 'DEVICE_EXISTS',
  /** A device field is invalid (length, labels, admin state). */
  INVALID_DEVICE: 'INVALID_DEVICE',
  /** Another device already uses this adapter and address. */
  ADDRESS_IN_USE: 'ADDRESS_IN_USE',
  /** The device is LOCKED by an operator: commands are refused. */
  DEVICE_LOCKED: 'DEVICE_LOCKED',
  /** The device's hardware is not plugged in (its adapter does not see it). */
  DEVICE_ABSENT: 'DEVICE_ABSENT',
  /** The device failed repeatedly and is DOWN until a probe brings it back. */
  DEVICE_DOWN: 'DEVICE_DOWN',
  /** Another process or kernel driver holds the device. */
  DEVICE_BUSY: 'DEVICE_BUSY',
  // Commands.
  /** The device's profile has no command of this name. */
  COMMAND_NOT_FOUND: 'COMMAND_NOT_FOUND',
  /** A parameter is unknown, missing, of the wrong type, or out of its range. */
  INVALID_PARAMETER: 'INVALID_PARAMETER',
  /** The device's queue of waiting commands is full. */
  QUEUE_FULL: 'QUEUE_FULL',
  /** No reply arrived within the command's timeout; the device may have acted. */
  TIMEOUT: 'TIMEOUT',
  /** The server restarted while the command was running; the device may have acted. */
  RESTART: 'RESTART',
  /** The execution was cancelled by CancelCommandExecution. */
  CANCELLED_BY_CALLER: 'CANCELLED_BY_CALLER',
  /** The device answered with an error (`ERR <reason>` on line protocols). */
  DEVICE_ERROR: 'DEVICE_ERROR',
  /** The device's reply does not match what the profile expects. */
  INVALID_REPLY: 'INVALID_REPLY',
  /** The link failed (I/O error, stall, framing). */
  IO_ERROR: 'IO_ERROR',
  /** The hardware layer refused the request itself (bad target, length) or lacks the feature. */
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  /** The raw profile's commands are for administrators only. */
  RAW_ACCESS_DENIED: 'RAW_ACCESS_DENIED',
  /** The call ended (cancelled, deadline) before its command did; the command goes on. */
  CALLER_GONE: 'CALLER_GONE',
  /** No execution has this name. */
  EXECUTION_NOT_FOUND: 'EXECUTION_NOT_FOUND',
  /** The execution has already ended, so it cannot be cancelled. */
  EXECUTION_ENDED: 'EXECUTION_ENDED',
  /** The execution runs on another hcs node, which alone can cancel it. */
  EXECUTION_ELSEWHERE: 'EXECUTION_ELSEWHERE',
  // Jobs.
  /** No job has this name. */
  JOB_NOT_FOUND: 'JOB_NOT_FOUND',
  /** A job with this id exists already. */
  JOB_EXISTS: 'JOB_EXISTS',
  /** A job's steps name an unknown device or command, or bad parameters or policies. */
  INVALID_JOB: 'INVALID_JOB',
  /** The job has already ended, so it cannot be cancelled. */
  JOB_ENDED: 'JOB_ENDED',
  /** The job has not ended (QUEUED, RUNNING or INTERRUPTED), so it cannot be deleted. */
  JOB_NOT_ENDED: 'JOB_NOT_ENDED',
  /** The job is not INTERRUPTED, so it cannot be resumed or abandoned. */
  JOB_NOT_INTERRUPTED: 'JOB_NOT_INTERRUPTED',
  /** A wait-until step's condition was not met before its timeout. */
  CONDITION_NOT_MET: 'CONDITION_NOT_MET',
  /** The server stopped while the job step was running; the device may have acted. */
  JOB_INTERRUPTED: 'JOB_INTERRUPTED',
  // Events.
  /** The event stream's client fell more than 1000 events behind; reopen with its last resume_token. */
  WATCHER_TOO_SLOW: 'WATCHER_TOO_SLOW',
  /** A resume_token this server did not issue, or no longer covers; open the stream without it. */
  RESUME_TOKEN_EXPIRED: 'RESUME_TOKEN_EXPIRED',
  /** StreamDeviceEvents' progress_interval is outside 1s–10min. */
  INVALID_PROGRESS_INTERVAL: 'INVALID_PROGRESS_INTERVAL',
  /** The hardware layer is stopping or not started. */
  HARDWARE_UNAVAILABLE: 'HARDWARE_UNAVAILABLE',
} as const;

/** One of {@link DeviceReason}. */
export type DeviceReason = (typeof DeviceReason)[keyof typeof DeviceReason];
