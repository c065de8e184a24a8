import { type ServiceError, status } from '@grpc/grpc-js';
import type { DeepPartial, ServiceInstance } from '../gen/hcs/v1/registry.ts';
import { serviceParentOf } from './endpoint.ts';
import type { RegistryClient } from './registry-client.ts';

/** Options of {@link registerAndKeepAlive}. */
export interface KeepAliveOptions {
  /** The service, `billing` or `services/billing`. */
  service: string;
  /** A stable id (e.g. the host name) so a restarted process replaces its old registration. Default: the server picks one. */
  instanceId?: string;
  /** What to register: addresses, tags, metadata, `leaseTtl`, an optional health check… */
  instance: DeepPartial<ServiceInstance>;
  /** Renew this often. Default a third of the lease's `lease_ttl`, as RenewLease asks. */
  renewEveryMs?: number;
  /** Told about every failed renewal or re-registration; the next attempt is already scheduled. */
  onError?: (error: ServiceError) => void;
}

/** A registration kept alive until {@link KeptAlive.close}. */
export interface KeptAlive {
  /** `services/{service}/instances/{instance}`. */
  readonly name: string;
  /** The instance as last stored (after the latest registration or renewal). */
  instance(): ServiceInstance;
  /** Stops renewing and deregisters the instance (no error if it is already gone). */
  close(): Promise<void>;
}

/** The wait before retrying a renewal that failed for a reason other than a lost lease. */
const RETRY_MS = 1000;

/**
 * Registers an instance and renews its lease on a timer until `close()`, which deregisters it.
 * A lease the server no longer has (NOT_FOUND: it expired and the instance was removed, e.g.
 * after a long partition; ABORTED `STALE_LEASE`: a newer registration replaced it) is
 * registered again, as RenewLease asks; any other failure is retried after at most a second.
 * Rejects when the first registration fails. The timer does not keep the process alive on its own.
 */
export async function registerAndKeepAlive(
  client: RegistryClient,
  options: KeepAliveOptions,
): Promise<KeptAlive> {
  const parent = serviceParentOf(options.service);
  const register = () =>
    client.register({ parent, instanceId: options.instanceId ?? '', instance: options.instance });
  let registered = await register();
  let current = registered.instance as ServiceInstance;
  const name = current.name;
  let timer: NodeJS.Timeout | undefined;
  let working: Promise<void> | undefined;
  let closed = false;

  const renewEvery = () => options.renewEveryMs ?? Math.max(1, durationMs(current.leaseTtl) / 3);
  const schedule = (ms: number) => {
    if (closed) return;
    timer = setTimeout(() => {
      working = renew().finally(() => {
        working = undefined;
      });
    }, ms);
    timer.unref();
  };

  async function renew(): Promise<void> {
    try {
      const renewed = await client.renewLease({ name, leaseId: registered.leaseId });
      current = renewed.instance ?? current;
      schedule(renewEvery());
    } catch (error) {
      const failure = error as ServiceError;
      options.onError?.(failure);
      if (closed) return;
      if (failure.code === status.NOT_FOUND || failure.code === status.ABORTED) {
        try {
          registered = await register();
          current = registered.instance ?? current;
          schedule(renewEvery());
          return;
        } catch (again) {
          options.onError?.(again as ServiceError);
        }
      }
      schedule(Math.min(RETRY_MS, renewEvery()));
    }
  }

  schedule(renewEvery());
  return {
    name,
    instance: () => current,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await working;
      await client.deregister({ name: current.name, allowMissing: true });
    },
  };
}

function durationMs(duration: { seconds: string; nanos: number } | undefined): number {
  if (duration === undefined) return 30_000;
  return Number(duration.seconds) * 1000 + Math.floor(duration.nanos / 1e6);
}
