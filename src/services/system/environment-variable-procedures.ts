import type { SystemServiceService } from '../../gen/hcs/v1/system.ts';
import type { ServiceImplementation } from '../../transport/rpc/index.ts';
import { pageSizeOf } from '../common/index.ts';
import type { EnvironmentVariables } from './environment-variables.ts';
import { pageOfSorted } from './name-page.ts';

/** The environment RPC of SystemService. */
export type EnvironmentVariableProcedures = Pick<
  ServiceImplementation<typeof SystemServiceService>,
  'listEnvironmentVariables'
>;

/** ListEnvironmentVariables over the environment hcs started with. */
export function environmentVariableProcedures(
  variables: EnvironmentVariables,
): EnvironmentVariableProcedures {
  return {
    async listEnvironmentVariables(request) {
      const matching = variables.list(request.namePrefix);
      const page = pageOfSorted(matching, pageSizeOf(request.pageSize, 100), request.pageToken, 'v1:');
      return { environmentVariables: page.items, nextPageToken: page.nextPageToken };
    },
  };
}
