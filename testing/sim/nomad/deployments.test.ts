import test from 'ava';
import type { Job } from '../../../agent/nomad/types.js';
import { waitFor } from '../../support/wait-for.js';
import { mockJob, startSim } from '../test-support.js';

/** A service job whose check never passes (nothing listens on its port), so its deployment never completes. */
function neverHealthy(id: string, extra: { job?: Record<string, unknown> } = {}) {
  return mockJob(id, {
    ...(extra.job === undefined ? {} : { job: extra.job }),
    group: {
      Networks: [{ ReservedPorts: [{ Label: 'http', Value: 47_000 + Math.floor(Math.random() * 1000) }] }],
      Services: [{ Name: `${id}-svc`, PortLabel: 'http', Checks: [{ Type: 'tcp', Interval: 1e9, Timeout: 1e9 }] }],
    },
  });
}

test('a count change through the scale endpoint is refused while the deployment is active; a count-less event and a register are not', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: neverHealthy('dep') });
  const refused = await h.nomad('/v1/job/dep/scale', { method: 'POST', body: { Count: 0, Target: { Group: 'app' } } });
  t.like(refused, { status: 400, text: 'job scaling blocked due to active deployment' });
  t.is((await h.nomad('/v1/job/dep/scale', { method: 'POST', body: { Count: null, Target: { Group: 'app' }, Message: 'just an event' } })).status, 200);
  const job = (await h.nomad('/v1/job/dep')).json as Job;
  const group = job.TaskGroups[0];
  if (group === undefined) return t.fail('no group');
  const registered = await h.nomad('/v1/jobs', {
    method: 'PUT',
    body: { Job: { ...job, TaskGroups: [{ ...group, Count: 0 }] }, EnforceIndex: true, JobModifyIndex: job.JobModifyIndex },
  });
  t.is(registered.status, 200);
  await waitFor('count 0', async () => ((await h.nomad('/v1/job/dep')).json as Job).TaskGroups[0]?.Count === 0);
  t.is((await h.nomad('/v1/job/dep/scale', { method: 'POST', body: { Count: 1, Target: { Group: 'app' } } })).status, 200, 'at count 0 nothing deploys');
});

test('a job whose update block disables deployments (max_parallel = 0) scales at any time', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: neverHealthy('nodep', { job: { Update: { MaxParallel: 0 } } }) });
  t.is((await h.nomad('/v1/job/nodep/scale', { method: 'POST', body: { Count: 0, Target: { Group: 'app' } } })).status, 200);
});
