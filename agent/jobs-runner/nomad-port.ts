// The runner's JobsPort over hearth's typed Nomad client.
import { isHearthError } from '../errors.js';
import type { NomadClient } from '../nomad/client.js';
import type { JobsPort } from './ports.js';

async function readOrMissing<T>(read: () => Promise<{ data: T }>): Promise<T | undefined> {
  try {
    return (await read()).data;
  } catch (err) {
    if (isHearthError(err, 'HEARTH_ERR_NOT_FOUND')) return undefined;
    throw err;
  }
}

export function createNomadJobsPort(client: NomadClient, describe: string): JobsPort {
  return {
    describe,
    list: async () => (await client.jobs.list()).data,
    read: (id) => readOrMissing(() => client.jobs.read(id)),
    plan: (job) => client.jobs.plan(job, { diff: true }),
    async register(job) {
      const response = await client.jobs.register(job);
      return { evalId: response.EvalID, jobModifyIndex: response.JobModifyIndex };
    },
    async deregister(id, purge) {
      const response = await client.jobs.deregister(id, { purge });
      return { evalId: response.EvalID };
    },
    allocations: async (id) => (await client.jobs.allocations(id)).data,
    summary: (id) => readOrMissing(() => client.jobs.summary(id)),
    evaluation: async (id) => (await client.evaluations.read(id)).data,
    taskStdout: (allocId, task) => client.allocations.logs(allocId, task, { type: 'stdout', origin: 'start', offset: 0 }),
  };
}
