// Reads what `hearth status` and `hearth experts` show from Nomad and Consul.
import type { LoadedConfig } from '../config/load.js';
import { createSilentLogger } from '../log.js';
import { createConsulClientFromConfig, createNomadClientFromConfig } from '../daemon/clients.js';
import type { ConsulClient } from '../consul/client.js';
import type { HealthServiceEntry } from '../consul/types.js';
import { readExperts } from '../consul/experts.js';
import { compareNames } from '../util/compare-names.js';
import { worstStatus, type ClusterReader, type ServiceRow } from './cluster-view.js';

function instanceHealth(entry: HealthServiceEntry): string {
  return worstStatus((entry.Checks ?? []).map((c) => c.Status));
}

async function readServiceRows(consul: ConsulClient): Promise<ServiceRow[]> {
  const names = Object.keys((await consul.catalogServices()).data).sort();
  return await Promise.all(
    names.map(async (name) => {
      const entries = (await consul.healthService(name)).data;
      const health = entries.map(instanceHealth);
      return {
        name,
        instances: entries.length,
        passing: health.filter((h) => h === 'passing').length,
        warning: health.filter((h) => h === 'warning').length,
        critical: health.filter((h) => h === 'critical').length,
      };
    }),
  );
}

export function createClusterReader(loaded: LoadedConfig): ClusterReader {
  const log = createSilentLogger();
  const nomad = createNomadClientFromConfig(loaded, log);
  const consul = createConsulClientFromConfig(loaded, log);
  return {
    nomadLeader: () => nomad.status.leader(),
    async nomadNodes() {
      const nodes = (await nomad.nodes.list()).data;
      return nodes
        .map((n) => ({ name: n.Name, address: n.Address, status: n.Status, eligibility: n.SchedulingEligibility, datacenter: n.Datacenter }))
        .sort((a, b) => compareNames(a.name, b.name));
    },
    async nomadJobs() {
      const jobs = (await nomad.jobs.list()).data;
      return jobs.map((j) => ({ id: j.ID, type: j.Type, status: j.Status })).sort((a, b) => compareNames(a.id, b.id));
    },
    consulServices: () => readServiceRows(consul),
    experts: (prefix) => readExperts(consul, prefix),
    close() {
      void nomad.close();
      void consul.close();
    },
  };
}
