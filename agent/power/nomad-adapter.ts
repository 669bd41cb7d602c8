// Puts the typed Nomad client (reads return { data, meta }) behind the power
// manager's NomadPort.
import type { NomadClient } from '../nomad/client.js';
import type { NomadPort } from './ports.js';

export function adaptNomadClient(client: NomadClient): NomadPort {
  return {
    jobs: {
      list: async () => (await client.jobs.list()).data,
      read: async (id) => (await client.jobs.read(id)).data,
      scaleStatus: async (id) => (await client.jobs.scaleStatus(id)).data,
      scale: (id, request) =>
        client.jobs.scale(id, {
          group: request.group,
          count: request.count,
          message: request.message,
          ...(request.meta === undefined ? {} : { meta: request.meta }),
        }),
      register: (job, options) => client.jobs.register(job, options),
      allocations: async (id) => (await client.jobs.allocations(id)).data,
    },
  };
}
