import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from '@mikro-orm/core';
import type { RegistryConfig } from '../../platform/config/index.ts';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import type { ChangeDraft, ChangeLog } from './change-log.ts';
import { healthCheckOf } from './health-check-rules.ts';
import { type HealthStateName, type Instance, InstanceSchema } from './instance.entity.ts';
import type { Caller, NewInstance } from './instance-input.ts';
import {
  assertAddress,
  assertInstanceId,
  assertMetadata,
  assertServiceId,
  assertTags,
  assertText,
  instanceNameOf,
  leaseTtlOf,
  parseInstanceName,
} from './instance-rules.ts';
import { type InstanceView, instanceToView } from './instance-view.ts';
import { RegistryReason } from './reasons.ts';
import type { RegistryView } from './registry-view.ts';

/** Options of {@link createInstances}. */
export interface InstancesOptions {
  em: () => EntityManager;
  changeLog: ChangeLog;
  view: RegistryView;
  config: Pick<RegistryConfig, 'minLeaseTtlMs' | 'minIntervalMs'>;
  now?: () => number;
}

/** Registration, leases, health and removal of instances: the registry's write side. */
export interface Instances {
  /** Registers or (by its owner) re-registers an instance under a new lease. */
  register(input: NewInstance, caller: Caller): Promise<{ instance: InstanceView; leaseId: string }>;
  /** Renews the lease `leaseId`, optionally with a new time to live. */
  renew(name: string, leaseId: string, ttlMs: number | undefined, caller: Caller): Promise<InstanceView>;
  /** Removes an instance; a missing one is NOT_FOUND unless `allowMissing`. */
  deregister(name: string, allowMissing: boolean, caller: Caller): Promise<void>;
  /** Sets the health an instance reports for itself (or an operator for it). */
  setHealth(name: string, state: HealthStateName, reason: string, caller: Caller): Promise<InstanceView>;
  /** One instance, read from the database (fresh lease times). */
  get(name: string): Promise<InstanceView>;
}

const LEASE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Creates the write side of the registry. */
export function createInstances(options: InstancesOptions): Instances {
  const { em, changeLog, view, config } = options;
  const now = options.now ?? Date.now;

  async function loadOwned(tx: EntityManager, name: string, caller: Caller): Promise<Instance> {
    const row = await findInstance(tx, name);
    if (row === null) throw notFound(name);
    if (row.owner !== caller.subject && !caller.isAdmin) {
      throw new AppError(
        Code.PERMISSION_DENIED,
        RegistryReason.NOT_INSTANCE_OWNER,
        `instance "${name}" belongs to ${row.owner}; only it or an admin may change it`,
      );
    }
    return row;
  }

  async function commit<T>(work: (tx: EntityManager) => Promise<{ result: T; changes: ChangeDraft[] }>) {
    const result = await changeLog.write(work);
    await view.changed();
    return result;
  }

  return {
    async register(input, caller) {
      const fields = assertNewInstance(input, config);
      const instanceId = input.instanceId === '' ? randomBytes(8).toString('hex') : input.instanceId;
      assertInstanceId(instanceId, 'instance_id');
      const name = instanceNameOf(input.service, instanceId);
      const leaseId = randomBytes(16).toString('base64url');
      const instance = await commit(async (tx) => {
        const time = new Date(now());
        const lease = {
          leaseId,
          renewTime: time,
          leaseExpireTime: new Date(time.getTime() + fields.leaseTtlMs),
          leaseExpiredTime: null,
        };
        const row = await findInstance(tx, name);
        if (row === null) {
          const created = tx.create(InstanceSchema, {
            name,
            service: input.service,
            instanceId,
            owner: caller.subject,
            ...fields,
            ...lease,
            createTime: time,
            updateTime: time,
          });
          const view = instanceToView(created);
          return {
            result: view,
            changes: [
              {
                type: 'added',
                instance: view,
                previous: undefined,
                reason: `registered by ${caller.subject}`,
              },
            ],
          };
        }
        if (row.owner !== caller.subject) {
          throw new AppError(
            Code.ALREADY_EXISTS,
            RegistryReason.INSTANCE_OWNED_BY_OTHER,
            `instance "${name}" is registered by ${row.owner}; it or an admin must deregister it first`,
          );
        }
        const previous = instanceToView(row);
        tx.assign(row, { ...fields, ...lease });
        const changed = !sameFields(previous, instanceToView(row)) || previous.leaseExpired;
        if (changed) row.updateTime = time;
        const current = instanceToView(row);
        const changes: ChangeDraft[] = changed
          ? [{ type: 'modified', instance: current, previous, reason: `re-registered by ${caller.subject}` }]
          : [];
        return { result: current, changes };
      });
      return { instance, leaseId };
    },

    async renew(name, leaseId, ttlMs, caller) {
      parseInstanceName(name, 'name');
      if (!LEASE_ID_PATTERN.test(leaseId)) {
        throw invalidField(
          RegistryReason.INVALID_LEASE_ID,
          'lease_id',
          'lease_id must be the lease_id RegisterInstance returned',
        );
      }
      const newTtl = ttlMs === undefined ? undefined : leaseTtlOf(ttlMs, config.minLeaseTtlMs, 'lease_ttl');
      return commit(async (tx) => {
        const row = await loadOwned(tx, name, caller);
        if (row.leaseId !== leaseId) {
          throw new AppError(
            Code.ABORTED,
            RegistryReason.STALE_LEASE,
            `lease_id is not the current lease of "${name}": a newer registration replaced it; register again`,
          );
        }
        const previous = instanceToView(row);
        const time = new Date(now());
        row.leaseTtlMs = newTtl ?? row.leaseTtlMs;
        row.renewTime = time;
        row.leaseExpireTime = new Date(time.getTime() + row.leaseTtlMs);
        if (row.leaseExpiredTime == null) return { result: instanceToView(row), changes: [] };
        // Renewed within the grace period: undo what the expiry did, and say so.
        row.leaseExpiredTime = null;
        if (row.healthSource === 'lease')
          Object.assign(row, { healthState: 'healthy', healthReason: '', healthSource: 'client' });
        row.updateTime = time;
        const current = instanceToView(row);
        return {
          result: current,
          changes: [
            { type: 'modified', instance: current, previous, reason: 'lease renewed after it expired' },
          ],
        };
      });
    },

    async deregister(name, allowMissing, caller) {
      parseInstanceName(name, 'name');
      await commit(async (tx) => {
        const exists = await findInstance(tx, name);
        if (exists === null && allowMissing) return { result: undefined, changes: [] };
        const row = await loadOwned(tx, name, caller);
        const last = instanceToView(row);
        tx.remove(row);
        return {
          result: undefined,
          changes: [
            {
              type: 'removed',
              instance: last,
              previous: last,
              reason: `deregistered by ${caller.subject}`,
              removalReason: 'deregistered',
            },
          ],
        };
      });
    },

    async setHealth(name, state, reason, caller) {
      parseInstanceName(name, 'name');
      assertText(reason, 1024, 'health_reason');
      return commit(async (tx) => {
        const row = await loadOwned(tx, name, caller);
        if (row.leaseExpiredTime != null) {
          throw new AppError(
            Code.FAILED_PRECONDITION,
            RegistryReason.STALE_LEASE,
            `the lease of "${name}" expired; renew it (or register again) before setting its health`,
          );
        }
        if (row.healthState === state && row.healthReason === reason)
          return { result: instanceToView(row), changes: [] };
        const previous = instanceToView(row);
        Object.assign(row, {
          healthState: state,
          healthReason: reason,
          healthSource: 'client',
          updateTime: new Date(now()),
        });
        const current = instanceToView(row);
        return {
          result: current,
          changes: [
            { type: 'modified', instance: current, previous, reason: `health set by ${caller.subject}` },
          ],
        };
      });
    },

    async get(name) {
      parseInstanceName(name, 'name');
      const row = await findInstance(em(), name);
      if (row === null) throw notFound(name);
      return instanceToView(row);
    },
  };
}

/** The stored fields of a registration, validated; INVALID_ARGUMENT naming the first bad field. */
function assertNewInstance(input: NewInstance, config: InstancesOptions['config']) {
  assertServiceId(input.service, 'parent');
  if (input.grpcAddress === undefined && input.httpAddress === undefined) {
    throw invalidField(
      RegistryReason.INVALID_ADDRESS,
      'instance.grpc_address',
      'instance needs grpc_address, http_address or both',
    );
  }
  const grpc = input.grpcAddress && assertAddress(input.grpcAddress, 'instance.grpc_address');
  const http = input.httpAddress && assertAddress(input.httpAddress, 'instance.http_address');
  const healthState = input.healthState ?? 'healthy';
  return {
    version: assertText(input.version, 64, 'instance.version'),
    grpcHost: grpc?.host ?? '',
    grpcPort: grpc?.port ?? 0,
    httpHost: http?.host ?? '',
    httpPort: http?.port ?? 0,
    tags: assertTags(input.tags, 'instance.tags'),
    metadata: assertMetadata(input.metadata, 'instance.metadata'),
    zone: assertText(input.zone, 63, 'instance.zone'),
    node: assertText(input.node, 63, 'instance.node'),
    healthState,
    healthReason:
      healthState === 'healthy' ? '' : assertText(input.healthReason, 1024, 'instance.health_reason'),
    healthSource: 'client' as const,
    healthCheck:
      input.healthCheck === undefined
        ? null
        : healthCheckOf(
            input.healthCheck,
            { grpc: grpc !== undefined, http: http !== undefined },
            config.minIntervalMs,
          ),
    leaseTtlMs: leaseTtlOf(input.leaseTtlMs, config.minLeaseTtlMs, 'instance.lease_ttl'),
  };
}

// Whether two states differ in anything a watcher is told about (the lease times aside).
function sameFields(a: InstanceView, b: InstanceView): boolean {
  const strip = ({ leaseExpireTime, renewTime, updateTime, leaseTtlMs, ...rest }: InstanceView) => rest;
  return isDeepStrictEqual(strip(a), strip(b)) && a.leaseTtlMs === b.leaseTtlMs;
}

function findInstance(tx: EntityManager, name: string): Promise<Instance | null> {
  return tx.findOne(InstanceSchema, { name });
}

function notFound(name: string): AppError {
  return new AppError(Code.NOT_FOUND, RegistryReason.INSTANCE_NOT_FOUND, `instance "${name}" does not exist`);
}
