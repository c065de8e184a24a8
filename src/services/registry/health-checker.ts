import type { Lease, Lock } from '../../platform/lock/index.ts';
import type { Logger } from '../../platform/log/index.ts';
import { type RepeatingTask, startRepeatingTask } from '../common/index.ts';
import type { ChangeLog } from './change-log.ts';
import { InstanceSchema } from './instance.entity.ts';
import { type InstanceView, instanceToView } from './instance-view.ts';
import { type ProbeResult, probe } from './probe.ts';
import type { RegistryView } from './registry-view.ts';

/** Options of {@link createHealthChecker}. */
export interface HealthCheckerOptions {
  view: RegistryView;
  changeLog: ChangeLog;
  lock: Lock;
  logger: Logger;
  /** How often due checks are looked for. Default 250 ms. */
  tickMs?: number;
  /** Runs one check; default {@link probe}. */
  probe?: typeof probe;
}

/** Runs the active health checks of every instance that has one. */
export interface HealthChecker {
  start(): void;
  close(): Promise<void>;
}

/** The state of one instance's check: when it is due and its streak. */
interface CheckState {
  due: number;
  running: boolean;
  successes: number;
  failures: number;
}

const LEADER_LOCK = 'registry:health-checker';
const LEADER_TTL_MS = 10_000;

/**
 * Creates the checker. One replica checks at a time (it holds a lock, renewed every tick), so
 * an instance is not probed by every replica. A check's outcome changes health only across
 * its thresholds, only from HEALTHY to UNHEALTHY or back from an UNHEALTHY the checks caused,
 * never over DRAINING, a health its owner set, or an expired lease.
 */
export function createHealthChecker(options: HealthCheckerOptions): HealthChecker {
  const { view, changeLog, lock, logger } = options;
  const run = options.probe ?? probe;
  const tickMs = options.tickMs ?? 250;
  const states = new Map<string, CheckState>();
  const inFlight = new Set<Promise<void>>();
  let leader: Lease | undefined;
  let ticks: RepeatingTask | undefined;

  // The moves of the lock are logged: which replica probes is what an operator asks first.
  async function holdLeadership(): Promise<boolean> {
    if (leader !== undefined && !(await lock.renew(leader))) {
      leader = undefined;
      states.clear();
      logger.info('registry health checks: another replica took them over');
    }
    if (leader === undefined) {
      leader = await lock.acquire(LEADER_LOCK, { ttlMs: LEADER_TTL_MS });
      if (leader !== undefined) logger.info('registry health checks run on this replica');
    }
    return leader !== undefined;
  }

  async function record(instance: InstanceView, result: ProbeResult, state: CheckState): Promise<void> {
    const check = instance.healthCheck;
    if (check === undefined) return;
    if (result.ok) {
      state.successes++;
      state.failures = 0;
    } else {
      state.failures++;
      state.successes = 0;
    }
    const current = view.instancesOf(instance.service).find((item) => item.name === instance.name);
    if (current === undefined || current.leaseExpired) return;
    const turnUnhealthy =
      !result.ok && state.failures >= check.unhealthyThreshold && current.healthState === 'healthy';
    const turnHealthy =
      result.ok &&
      state.successes >= check.healthyThreshold &&
      current.healthState === 'unhealthy' &&
      current.healthSource === 'check';
    if (!turnUnhealthy && !turnHealthy) return;
    const reason = turnUnhealthy
      ? `${check.kind.toUpperCase()} check failed ${state.failures} times: ${result.detail}`
      : '';
    await changeLog.write(async (tx) => {
      const row = await tx.findOne(InstanceSchema, { name: instance.name });
      // Decided again inside the lock: the instance may have changed since the view saw it.
      if (row === null || row.leaseExpiredTime != null || row.healthState !== current.healthState) {
        return { result: undefined, changes: [] };
      }
      const previous = instanceToView(row);
      Object.assign(row, {
        healthState: turnUnhealthy ? 'unhealthy' : 'healthy',
        healthReason: reason,
        healthSource: turnUnhealthy ? 'check' : 'client',
        updateTime: new Date(),
      });
      const message = turnUnhealthy
        ? reason
        : `${check.kind.toUpperCase()} check passed ${state.successes} times`;
      return {
        result: undefined,
        changes: [{ type: 'modified', instance: instanceToView(row), previous, reason: message }],
      };
    });
    await view.changed();
  }

  async function tick(): Promise<void> {
    if (!(await holdLeadership())) return;
    const now = Date.now();
    const seen = new Set<string>();
    for (const instance of view.instances()) {
      const check = instance.healthCheck;
      if (check === undefined) continue;
      seen.add(instance.name);
      let state = states.get(instance.name);
      if (state === undefined) {
        // Spread the first checks over one interval, so a restart does not probe everything at once.
        state = { due: now + Math.random() * check.intervalMs, running: false, successes: 0, failures: 0 };
        states.set(instance.name, state);
      }
      if (state.running || state.due > now) continue;
      const address = check.kind === 'http' ? instance.httpAddress : instance.grpcAddress;
      if (address === undefined) continue;
      state.running = true;
      state.due = now + check.intervalMs;
      const checkState = state;
      const work = run(check, address)
        .then((result) => record(instance, result, checkState))
        .catch((error: unknown) =>
          logger.warn({ err: error, instance: instance.name }, 'registry health check could not be recorded'),
        )
        .finally(() => {
          checkState.running = false;
          inFlight.delete(work);
        });
      inFlight.add(work);
    }
    for (const name of states.keys()) if (!seen.has(name)) states.delete(name);
  }

  return {
    start() {
      ticks = startRepeatingTask({
        intervalMs: tickMs,
        run: tick,
        onError: (error) => logger.warn({ err: error }, 'registry health checks skipped a tick'),
      });
    },
    async close() {
      // The tick in flight first: it may still take the lock or start probes, which are awaited next.
      await ticks?.stop();
      await Promise.allSettled([...inFlight]);
      if (leader !== undefined) await lock.release(leader).catch(() => false);
    },
  };
}
