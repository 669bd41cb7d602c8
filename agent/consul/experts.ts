// An expert as every reader shows it (the agent's API and event bus,
// `hearth experts`): one instance of a Consul service whose name starts with
// the expert prefix, with its address, worst check status and the service's
// Meta as Consul has it (`model`, `backend` from the job templates, and a
// `description` the twin's router reads when one is set).
import type { ConsulClient } from './client.js';
import { toDiscoveredService, type DiscoveredService } from './discovery.js';
import { compareNames } from '../util/compare-names.js';

export type Expert = Pick<DiscoveredService, 'name' | 'id' | 'node' | 'address' | 'port' | 'health' | 'tags'> & Partial<Pick<DiscoveredService, 'meta'>>;

export function toExpert(service: DiscoveredService): Expert {
  return { name: service.name, id: service.id, node: service.node, address: service.address, port: service.port, health: service.health, tags: service.tags, meta: service.meta };
}

/** Every instance of every service named `<prefix>*`, read from Consul now, sorted by name then id. */
export async function readExperts(consul: Pick<ConsulClient, 'catalogServices' | 'healthService'>, prefix: string): Promise<Expert[]> {
  const names = Object.keys((await consul.catalogServices()).data).filter((name) => name.startsWith(prefix)).sort();
  const perService = await Promise.all(names.map(async (name) => (await consul.healthService(name)).data));
  return perService.flat().map((entry) => toExpert(toDiscoveredService(entry))).sort((a, b) => compareNames(a.name, b.name) || compareNames(a.id, b.id));
}
