import { BadRequest, ErrorInfo, RetryInfo } from '../../gen/google/rpc/error_details.ts';
import type { Status } from '../../gen/google/rpc/status.ts';
import type { AppError } from '../../platform/errors/index.ts';

/** The ErrorInfo domain of every error hcs raises. */
export const ERROR_DOMAIN = 'hcs';

const TYPE_URL = 'type.googleapis.com/';

/**
 * Encodes an AppError as google.rpc.Status: ErrorInfo with the `reason` always, BadRequest
 * when fields were wrong, RetryInfo when the client should wait. Both transports use it (the
 * gateway renders the same Status as JSON), so the details cannot differ between them.
 */
export function appErrorToStatus(error: AppError): Status {
  const details = [
    {
      typeUrl: `${TYPE_URL}google.rpc.ErrorInfo`,
      value: Buffer.from(
        ErrorInfo.encode({
          reason: error.reason,
          domain: ERROR_DOMAIN,
          metadata: error.details.metadata ?? {},
        }).finish(),
      ),
    },
  ];
  if (error.details.fieldViolations !== undefined && error.details.fieldViolations.length > 0) {
    const fieldViolations = error.details.fieldViolations.map((violation) => ({
      field: violation.field,
      description: violation.description,
      reason: '',
      localizedMessage: undefined,
    }));
    details.push({
      typeUrl: `${TYPE_URL}google.rpc.BadRequest`,
      value: Buffer.from(BadRequest.encode({ fieldViolations }).finish()),
    });
  }
  if (error.details.retryDelayMs !== undefined) {
    const ms = Math.max(0, Math.ceil(error.details.retryDelayMs));
    const retryDelay = { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
    details.push({
      typeUrl: `${TYPE_URL}google.rpc.RetryInfo`,
      value: Buffer.from(RetryInfo.encode({ retryDelay }).finish()),
    });
  }
  return { code: error.code, message: error.message, details };
}
