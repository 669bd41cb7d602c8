import test from 'ava';
import type { Job, JobScaleStatus } from '../../../agent/nomad/types.js';
import { allocsOf, mockJob, startSim } from '../test-support.js';
import { waitFor } from '../../support/wait-for.js';

const scaled = (min: number, max: number) => ({ group: { Scaling: { Min: min, Max: max, Enabled: true } } });

test('scaling to 0 stops the allocations, keeps the job, and scaling back places them again', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('sc', { count: 2, ...scaled(0, 4) }) });
  await waitFor('2 running', async () => ((await allocsOf(h, 'sc')).filter((a) => a.ClientStatus === 'running').length === 2 ? true : undefined));
  const down = await h.nomad('/v1/job/sc/scale', { method: 'POST', body: { Count: 0, Target: { Group: 'app' }, Message: 'idle', Meta: { reason: 'idle' } } });
  t.is(down.status, 200);
  const body = down.json as { EvalID: string; JobModifyIndex: number };
  t.not(body.EvalID, '');
  t.is(((await h.nomad(`/v1/evaluation/${body.EvalID}`)).json as { TriggeredBy: string }).TriggeredBy, 'job-scaling');
  const job = (await h.nomad('/v1/job/sc')).json as Job;
  t.is(job.Version, 1);
  t.false(job.Stop);
  t.is(job.TaskGroups[0]?.Count, 0);
  await waitFor('none running', async () => ((await allocsOf(h, 'sc')).every((a) => a.ClientStatus === 'complete') ? true : undefined));
  await waitFor('job dead', async () => (((await h.nomad('/v1/job/sc')).json as Job).Status === 'dead' ? true : undefined));
  const status = (await h.nomad('/v1/job/sc/scale')).json as JobScaleStatus;
  t.false(status.JobStopped);
  t.like(status.TaskGroups.app, { Desired: 0, Placed: 0, Running: 0 });
  t.like(status.TaskGroups.app?.Events?.[0], { Count: 0, PreviousCount: 2, Message: 'idle', Error: false, Meta: { reason: 'idle' }, EvalID: body.EvalID });
  await h.nomad('/v1/job/sc/scale', { method: 'PUT', body: { Count: 1, Target: { Group: 'app' } } });
  await waitFor('1 running again', async () => ((await allocsOf(h, 'sc')).filter((a) => a.ClientStatus === 'running').length === 1 ? true : undefined));
  t.is(((await h.nomad('/v1/job/sc')).json as Job).Version, 2);
});

test('scale requests outside Scaling.Min/Max, for unknown groups or without a group answer 400', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('mm', { count: 2, ...scaled(1, 3) }) });
  t.like(await h.nomad('/v1/job/mm/scale', { method: 'POST', body: { Count: 0, Target: { Group: 'app' } } }), { status: 400, text: 'group count was less than scaling policy minimum: 0 < 1' });
  t.like(await h.nomad('/v1/job/mm/scale', { method: 'POST', body: { Count: 4, Target: { Group: 'app' } } }), { status: 400, text: 'group count was greater than scaling policy maximum: 4 > 3' });
  t.like(await h.nomad('/v1/job/mm/scale', { method: 'POST', body: { Count: 1, Target: { Group: 'nope' } } }), { status: 400, text: 'task group "nope" specified for scaling does not exist in job' });
  t.like(await h.nomad('/v1/job/mm/scale', { method: 'POST', body: { Count: 1, Target: {} } }), { status: 400, text: 'missing task group name for scaling action' });
  t.like(await h.nomad('/v1/job/mm/scale', { method: 'POST', body: { Count: -1, Target: { Group: 'app' } } }), { status: 400, text: "scaling action count can't be negative" });
  t.like(await h.nomad('/v1/job/nope/scale', { method: 'POST', body: { Count: 1, Target: { Group: 'app' } } }), { status: 404, text: 'job not found' });
  t.like(await h.nomad('/v1/job/mm/scale', { method: 'POST', body: { Count: 2, Target: { Group: 'app' }, JobModifyIndex: 1 } }), { status: 500 });
  t.is(((await h.nomad('/v1/job/mm')).json as Job).Version, 0);
});

test('a scale request with a null Count only records an event', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('ev', { count: 1 }) });
  const before = (await h.nomad('/v1/job/ev')).json as Job;
  const res = await h.nomad('/v1/job/ev/scale', { method: 'POST', body: { Count: null, Target: { Group: 'app' }, Message: 'just saying', Error: true } });
  t.is(res.status, 200);
  t.is((res.json as { EvalID: string }).EvalID, '');
  const after = (await h.nomad('/v1/job/ev')).json as Job;
  t.is(after.Version, before.Version);
  t.is(after.JobModifyIndex, before.JobModifyIndex);
  const status = (await h.nomad('/v1/job/ev/scale')).json as JobScaleStatus;
  t.like(status.TaskGroups.app?.Events?.[0], { Count: null, Message: 'just saying', Error: true, EvalID: null });
});

test('a group without a scaling block can scale to 0', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('free', { count: 1 }) });
  const res = await h.nomad('/v1/job/free/scale', { method: 'POST', body: { Count: 0, Target: { Group: 'app' } } });
  t.is(res.status, 200);
  t.truthy(res.headers.get('x-nomad-index'));
});
