/** One dependency's readiness as shown by `/readyz`. */
export interface ReadinessCheck {
  /** `grpc`, `database`, `cache`, … */
  name: string;
  ok: boolean;
  /** What it is using or why it is not ready, e.g. `memory` or `redis unreachable since …`. */
  detail: string;
}

/** Reports the readiness of every dependency; called on each `/readyz` request. */
export type ReadinessProbe = () => Promise<ReadinessCheck[]> | ReadinessCheck[];
