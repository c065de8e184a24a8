/** Options of {@link createOutlierEjection}. */
export interface OutlierEjectionOptions {
  /** Consecutive failures that eject an instance. Default 3. */
  consecutiveFailures?: number;
  /** How long a newly ejected instance gets no traffic before one probe. Default 10 000 ms. */
  baseEjectionMs?: number;
  /** Each failed probe doubles the ejection, up to this. Default 300 000 ms. */
  maxEjectionMs?: number;
  /** The clock. Default `Date.now`. */
  now?: () => number;
}

/**
 * Passive health of upstream instances, as seen by this process's own requests (Envoy's outlier
 * detection, in small): after `consecutiveFailures` failures in a row an instance is ejected;
 * when the ejection ends one request is let through as a probe (half-open) while the others
 * still avoid it; the probe's success restores the instance, its failure ejects it again for
 * twice as long. Every admitted request must be reported exactly once: `succeeded`, `failed`,
 * or `released` when it proved nothing (the caller went away). Only failing instances are
 * tracked, so the state stays as small as the trouble.
 *
 * Hand-written: circuit-breaker packages wrap one function call each, while this decides per
 * instance among several, and tells the caller when the next probe is due.
 */
export interface OutlierEjection {
  /** Whether a request may go to `key` now; in half-open, true for one probe at a time. */
  admit(key: string): boolean;
  succeeded(key: string): void;
  failed(key: string): void;
  released(key: string): void;
  /** Milliseconds until one of `keys` may be probed again; undefined when one is admitted now. */
  nextProbeInMs(keys: readonly string[]): number | undefined;
}

interface Health {
  failures: number;
  /** When the ejection ends; undefined while not ejected. */
  ejectedUntil: number | undefined;
  ejectionMs: number;
  probing: boolean;
}

/** Creates the ejection state of one proxy. */
export function createOutlierEjection(options: OutlierEjectionOptions = {}): OutlierEjection {
  const threshold = options.consecutiveFailures ?? 3;
  const base = options.baseEjectionMs ?? 10_000;
  const max = options.maxEjectionMs ?? 300_000;
  const now = options.now ?? Date.now;
  const failing = new Map<string, Health>();

  return {
    admit(key) {
      const health = failing.get(key);
      if (health === undefined || health.ejectedUntil === undefined) return true;
      if (health.probing || now() < health.ejectedUntil) return false;
      health.probing = true;
      return true;
    },
    succeeded(key) {
      failing.delete(key);
    },
    failed(key) {
      const health = failing.get(key) ?? {
        failures: 0,
        ejectedUntil: undefined,
        ejectionMs: 0,
        probing: false,
      };
      failing.set(key, health);
      health.failures += 1;
      if (health.probing || (health.ejectedUntil === undefined && health.failures >= threshold)) {
        health.ejectionMs = health.probing ? Math.min(health.ejectionMs * 2, max) : base;
        health.ejectedUntil = now() + health.ejectionMs;
        health.probing = false;
      }
    },
    released(key) {
      const health = failing.get(key);
      // A probe that proved nothing: the next request probes again.
      if (health !== undefined) health.probing = false;
    },
    nextProbeInMs(keys) {
      let soonest: number | undefined;
      for (const key of keys) {
        const health = failing.get(key);
        if (health?.ejectedUntil === undefined) return undefined;
        const wait = health.probing ? health.ejectionMs : Math.max(0, health.ejectedUntil - now());
        if (wait === 0) return undefined;
        soonest = soonest === undefined ? wait : Math.min(soonest, wait);
      }
      return soonest;
    },
  };
}
