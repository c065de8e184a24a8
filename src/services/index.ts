import { AnalyticsServiceService } from '../gen/hcs/v1/analytics.ts';
import { AuthServiceService } from '../gen/hcs/v1/auth.ts';
import { DeviceServiceService } from '../gen/hcs/v1/devices.ts';
import { RegistryServiceService } from '../gen/hcs/v1/registry.ts';
import { SystemServiceService } from '../gen/hcs/v1/system.ts';
import { defineService, type ServiceRegistration } from '../transport/rpc/index.ts';

/**
 * Every hcs service with the methods implemented so far. A method left out here is still
 * served: it passes the policy guard, then answers UNIMPLEMENTED naming itself.
 */
export function createServiceRegistrations(): ServiceRegistration[] {
  return [
    defineService(AuthServiceService, {}),
    defineService(RegistryServiceService, {}),
    defineService(DeviceServiceService, {}),
    defineService(AnalyticsServiceService, {}),
    defineService(SystemServiceService, {}),
  ];
}
