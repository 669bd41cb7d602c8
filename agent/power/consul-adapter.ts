// Puts the Consul client behind the power manager's ConsulPort.
import type { ConsulClient } from '../consul/client.js';
import type { ConsulPort } from './ports.js';

export function adaptConsulClient(client: ConsulClient): ConsulPort {
  return {
    registerService: (registration) =>
      client.registerService({
        id: registration.ID,
        name: registration.Name,
        address: registration.Address,
        port: registration.Port,
        tags: registration.Tags,
        meta: registration.Meta,
      }),
    deregisterService: (id) => client.deregisterService(id),
    healthService: async (name, options) => (await client.healthService(name, { passing: options.passing })).data,
  };
}
