import type { EntityManager } from '@mikro-orm/core';
import { AppError, Code, invalidField } from '../../platform/errors/index.ts';
import { ListReason, pageSizeOf } from '../common/index.ts';
import { InstanceSchema } from './instance.entity.ts';
import { type InstanceView, instanceToView } from './instance-view.ts';
import { compileInstanceFilter } from './list-filter.ts';
import { RegistryReason } from './reasons.ts';
import type { RegistryView } from './registry-view.ts';

/** The summary of one service's instances. */
export interface ServiceSummary {
  service: string;
  instanceCount: number;
  healthyInstanceCount: number;
  zones: string[];
  versions: string[];
  updateTime: number;
}

/** A page of a list and the token of the next one (empty on the last page). */
export interface Page<T> {
  items: T[];
  nextPageToken: string;
}

/** The registry's list and summary reads. */
export interface InstanceQueries {
  /** Instances of `service` (every service when undefined) matching `filter`, by name. */
  listInstances(request: {
    service: string | undefined;
    filter: string;
    pageSize: number;
    pageToken: string;
  }): Promise<Page<InstanceView>>;
  getService(service: string): Promise<ServiceSummary>;
  listServices(request: { pageSize: number; pageToken: string }): Promise<Page<ServiceSummary>>;
}

/**
 * Creates the list reads. A page is chosen from the in-process view (filters of any field, no
 * JSON queries per dialect), ordered by name and resumed after the last name (keyset); its rows
 * are then read from the database, so lease times are current.
 */
export function createInstanceQueries(options: {
  em: () => EntityManager;
  view: RegistryView;
}): InstanceQueries {
  const { em, view } = options;
  return {
    async listInstances(request) {
      const matches = compileInstanceFilter(request.filter);
      const pageSize = pageSizeOf(request.pageSize);
      const after = keyOfPageToken(request.pageToken, 'i1:');
      await view.catchUp();
      const source =
        request.service === undefined ? [...view.instances()] : view.instancesOf(request.service);
      const names = source
        .filter((instance) => instance.name > after && matches(instance))
        .map((instance) => instance.name)
        .sort();
      const pageNames = names.slice(0, pageSize);
      const rows =
        pageNames.length === 0
          ? []
          : await em().find(InstanceSchema, { name: { $in: pageNames } }, { orderBy: { name: 'asc' } });
      const last = pageNames.at(-1);
      return {
        items: rows.map(instanceToView),
        nextPageToken: names.length > pageSize && last !== undefined ? pageTokenOf('i1:', last) : '',
      };
    },
    async getService(service) {
      await view.catchUp();
      const instances = view.instancesOf(service);
      if (instances.length === 0) {
        throw new AppError(
          Code.NOT_FOUND,
          RegistryReason.SERVICE_NOT_FOUND,
          `service "services/${service}" has no instance`,
        );
      }
      return summaryOf(service, instances);
    },
    async listServices(request) {
      const pageSize = pageSizeOf(request.pageSize);
      const after = keyOfPageToken(request.pageToken, 's1:');
      await view.catchUp();
      const services = [...new Set([...view.instances()].map((instance) => instance.service))]
        .filter((service) => service > after)
        .sort();
      const page = services.slice(0, pageSize);
      const last = page.at(-1);
      return {
        items: page.map((service) => summaryOf(service, view.instancesOf(service))),
        nextPageToken: services.length > pageSize && last !== undefined ? pageTokenOf('s1:', last) : '',
      };
    },
  };
}

function summaryOf(service: string, instances: readonly InstanceView[]): ServiceSummary {
  const distinct = (values: string[]) => [...new Set(values.filter((value) => value !== ''))].sort();
  return {
    service,
    instanceCount: instances.length,
    healthyInstanceCount: instances.filter((instance) => instance.healthState === 'healthy').length,
    zones: distinct(instances.map((instance) => instance.zone)),
    versions: distinct(instances.map((instance) => instance.version)),
    updateTime: Math.max(0, ...instances.map((instance) => instance.updateTime)),
  };
}

function pageTokenOf(prefix: string, key: string): string {
  return Buffer.from(prefix + key, 'utf8').toString('base64url');
}

// '' (before every name) for no token; INVALID_ARGUMENT for one this list did not issue.
function keyOfPageToken(token: string, prefix: string): string {
  if (token === '') return '';
  const decoded = /^[A-Za-z0-9_-]{1,400}$/.test(token)
    ? Buffer.from(token, 'base64url').toString('utf8')
    : '';
  const key = decoded.slice(prefix.length);
  if (!decoded.startsWith(prefix) || !/^[A-Za-z0-9._/-]{1,255}$/.test(key)) {
    throw invalidField(
      ListReason.INVALID_PAGE_TOKEN,
      'page_token',
      'page_token is not one this server issued',
    );
  }
  return key;
}
