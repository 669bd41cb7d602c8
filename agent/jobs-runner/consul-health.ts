// How many instances of a service pass every check, over hearth's Consul client.
import type { ConsulClient } from '../consul/client.js';
import type { HealthPort } from './ports.js';

export function createConsulHealthPort(consul: Pick<ConsulClient, 'healthService'>): HealthPort {
  return {
    async serviceHealth(name) {
      const entries = (await consul.healthService(name)).data;
      const passing = entries.filter((e) => (e.Checks ?? []).every((c) => c.Status === 'passing')).length;
      return { name, passing, total: entries.length };
    },
  };
}
