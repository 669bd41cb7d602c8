// The runner's JobsPort over hearth's typed Nomad client. A port scoped to a
// namespace sends it on every call and creates it before a plan or register.
import { isHearthError } from '../errors.js';
import type { NomadClient } from '../nomad/client.js';
import { ensureNamespace } from '../nomad/namespaces.js';
import type { Job } from '../nomad/types.js';
import type { JobsPort } from './ports.js';

async function readOrMissing<T>(read: () => Promise<{ data: T }>): Promise<T | undefined> {
  try {
    return (await read()).data;
  } catch (err) {
    if (isHearthError(err, 'HEARTH_ERR_NOT_FOUND')) return undefined;
    throw err;
  }
}

export function createNomadJobsPort(client: NomadClient, describe: string, namespace?: string): JobsPort {
  const scope = namespace === undefined ? {} : { namespace };
  // Namespaces known to exist (or made) through this port, so each is looked up once.
  const ensured = new Set<string>();
  const ensure = async (job: Job): Promise<void> => {
    const ns = job.Namespace ?? namespace;
    if (ns === undefined || ensured.has(ns)) return;
    await ensureNamespace(client.namespaces, ns, job.ID);
    ensured.add(ns);
  };
  return {
    describe,
    list: async () => (await client.jobs.list(scope)).data,
    read: (id) => readOrMissing(() => client.jobs.read(id, scope)),
    async plan(job) {
      await ensure(job);
      return client.jobs.plan(job, { diff: true, ...scope });
    },
    async register(job) {
      await ensure(job);
      const response = await client.jobs.register(job, scope);
      return { evalId: response.EvalID, jobModifyIndex: response.JobModifyIndex };
    },
    async deregister(id, purge) {
      const response = await client.jobs.deregister(id, { purge, ...scope });
      return { evalId: response.EvalID };
    },
    allocations: async (id) => (await client.jobs.allocations(id, scope)).data,
    summary: (id) => readOrMissing(() => client.jobs.summary(id, scope)),
    evaluation: async (id) => (await client.evaluations.read(id, scope)).data,
    taskStdout: (allocId, task) => client.allocations.logs(allocId, task, { type: 'stdout', origin: 'start', offset: 0, ...scope }),
    inNamespace: (ns) => (ns === undefined || ns === '' || ns === namespace ? createNomadJobsPort(client, describe, namespace) : createNomadJobsPort(client, describe, ns)),
  };
}
