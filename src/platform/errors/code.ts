/**
 * The closed set of gRPC status codes. Every error hcs reports carries one of these, on both
 * transports; the HTTP gateway derives its status from it with the standard table.
 * Numeric values are the wire values of google.rpc.Code.
 */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** One of the gRPC status codes. */
export type Code = (typeof Code)[keyof typeof Code];

const names = new Map<number, string>(Object.entries(Code).map(([name, value]) => [value, name]));

/** The SCREAMING_SNAKE name of a code (`NOT_FOUND`), or `UNKNOWN` for a number outside the set. */
export function codeToName(code: number): string {
  return names.get(code) ?? 'UNKNOWN';
}

/** Whether a number is one of the gRPC status codes. */
export function isCode(value: number): value is Code {
  return names.has(value);
}
