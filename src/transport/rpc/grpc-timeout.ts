const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/**
 * A `grpc-timeout` value (`5S`, `250m`: 1 to 8 digits and a unit, as the gRPC spec writes it) in
 * milliseconds; undefined when it is not one. Up to 8 digits of hours: ~11 400 years.
 */
export function grpcTimeoutMs(value: string): number | undefined {
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (match === null) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 1000);
}
